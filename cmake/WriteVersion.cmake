# Run at build time (cmake -P): writes OUT with the project version and the source tree's git
# description, touching it only when they changed (so only what includes it rebuilds).
execute_process(COMMAND git describe --always --dirty --tags
  WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE AIE4SIM_GIT OUTPUT_STRIP_TRAILING_WHITESPACE
  ERROR_QUIET RESULT_VARIABLE git_status)
if(NOT git_status EQUAL 0 OR AIE4SIM_GIT STREQUAL "")
  set(AIE4SIM_GIT "unknown")
endif()
configure_file(${SOURCE_DIR}/common/version.h.in ${OUT} @ONLY)
