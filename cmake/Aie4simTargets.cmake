# Project-wide target conventions: warnings are errors, one place defines them.
set(AIE4SIM_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wcast-align -Wunused
    -Wimplicit-fallthrough -Werror
    # C++ only: the C protocol client (cosim/protocol/aie4sim_client.c) builds with the rest.
    $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor -Woverloaded-virtual>)

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
  # For the layering check (tests/style/check-layering.py): every library and what it links.
  set_property(GLOBAL APPEND PROPERTY AIE4SIM_LIBRARIES ${name})
  set_property(TARGET ${name} PROPERTY AIE4SIM_DEPS ${ARG_PUBLIC_DEPS} ${ARG_DEPS})
endfunction()

# Writes FILE: a JSON object, for every aie4sim_library, of its sources (paths from the project
# top) and the libraries it links directly. Call once every library exists.
function(aie4sim_write_layering file)
  get_property(libraries GLOBAL PROPERTY AIE4SIM_LIBRARIES)
  set(entries "")
  foreach(lib ${libraries})
    get_target_property(dir ${lib} SOURCE_DIR)
    get_target_property(sources ${lib} SOURCES)
    get_target_property(deps ${lib} AIE4SIM_DEPS)
    set(files "")
    foreach(src ${sources})
      get_filename_component(abs ${src} ABSOLUTE BASE_DIR ${dir})
      file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR} ${abs})
      list(APPEND files "\"${rel}\"")
    endforeach()
    set(links "")
    if(deps)
      foreach(dep ${deps})
        list(APPEND links "\"${dep}\"")
      endforeach()
    endif()
    list(JOIN files ", " files)
    list(JOIN links ", " links)
    list(APPEND entries "  \"${lib}\": {\"sources\": [${files}], \"links\": [${links}]}")
  endforeach()
  list(JOIN entries ",\n" body)
  file(WRITE ${file} "{\n${body}\n}\n")
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
