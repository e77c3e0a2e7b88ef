# Project-wide target conventions: warnings are errors, one place defines them.
set(AIE4SIM_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
    -Wunused -Woverloaded-virtual -Wimplicit-fallthrough -Werror)

function(aie4sim_warnings target)
  target_compile_options(${target} PRIVATE ${AIE4SIM_WARNINGS})
endfunction()

# aie4sim_library(<name> SOURCES ... [DEPS ...] [PUBLIC_DEPS ...])
# Include paths are rooted at the project top, so code includes "pcie/function.h".
function(aie4sim_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PUBLIC_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_DEPS})
  aie4sim_warnings(${name})
endfunction()

# aie4sim_test(<name> SOURCES ... DEPS ...): a Catch2 executable whose cases CTest discovers.
function(aie4sim_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE aie4sim_test_main ${ARG_DEPS})
  aie4sim_warnings(${name})
  # The `unit-tests` target builds every test executable (a sanitizer build needs no more).
  set_property(GLOBAL APPEND PROPERTY AIE4SIM_TEST_TARGETS ${name})
  set(labels unit)
  if(ARG_LABELS)
    set(labels ${ARG_LABELS})
  endif()
  catch_discover_tests(${name} TEST_PREFIX "${name}:" PROPERTIES LABELS "${labels}"
    WORKING_DIRECTORY ${PROJECT_BINARY_DIR})
endfunction()

# aie4sim_benchmark(<name> SOURCES ... DEPS ...)
function(aie4sim_benchmark name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  aie4sim_warnings(${name})
endfunction()
