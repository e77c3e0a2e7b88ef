# Instrumented builds (docs/fuzzing.md). Each lives in a build tree of its own, made by
# scripts/sanitize.sh or scripts/fuzz.sh: instrumented objects must not mix with the normal build.
#
#   AIE4SIM_SANITIZE  the model libraries and the unit tests built with AIE4SIM_SANITIZERS
#                     (AddressSanitizer and UndefinedBehaviorSanitizer; "thread" for a TSan run).
#                     Any report ends the program (no recovery), so a test with one fails.
#   AIE4SIM_FUZZ      the libFuzzer harnesses of tests/fuzz on top of that: every library gets
#                     libFuzzer's coverage instrumentation. Needs clang (Debian's clang and
#                     libclang-rt-14-dev).
option(AIE4SIM_SANITIZE "Build the model and the unit tests with sanitizers (AIE4SIM_SANITIZERS)" OFF)
option(AIE4SIM_FUZZ "Build the libFuzzer harnesses of tests/fuzz (clang; implies AIE4SIM_SANITIZE)" OFF)
set(AIE4SIM_SANITIZERS "address,undefined" CACHE STRING
  "The -fsanitize= list of a sanitizer build (address,undefined or thread)")

if(AIE4SIM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "AIE4SIM_FUZZ needs clang (libFuzzer): configure with "
                        "-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ (scripts/fuzz.sh does)")
  endif()
  set(AIE4SIM_SANITIZE ON CACHE BOOL "" FORCE)
endif()

if(AIE4SIM_SANITIZE)
  message(STATUS "Sanitizer build: -fsanitize=${AIE4SIM_SANITIZERS}")
  # Frame pointers for readable stacks; no recovery: the first report fails the test.
  add_compile_options(-fsanitize=${AIE4SIM_SANITIZERS} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${AIE4SIM_SANITIZERS})
endif()

if(AIE4SIM_FUZZ)
  # Coverage feedback in every library the harnesses link; the harnesses themselves link
  # libFuzzer's main (aie4sim_fuzzer in tests/fuzz).
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
