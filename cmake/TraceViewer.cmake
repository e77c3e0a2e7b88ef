# Chrome DevTools' trace engine (the Performance panel's parser, npm @paulirish/trace_engine),
# installed once into the build tree at build time so that the trace tests can load our traces
# with a real viewer's parser without a network. npm uses its own configured registry.
set(AIE4SIM_TRACE_ENGINE_VERSION 0.0.65)
set(AIE4SIM_TRACE_ENGINE_DIR ${PROJECT_BINARY_DIR}/deps/trace-engine)
find_program(AIE4SIM_NPM npm)
find_program(AIE4SIM_NODE node)
if(NOT AIE4SIM_NPM OR NOT AIE4SIM_NODE)
  message(FATAL_ERROR "node and npm are needed for the trace tests (scripts/setup-host.sh "
                      "installs Debian's nodejs and npm)")
endif()
set(stamp ${AIE4SIM_TRACE_ENGINE_DIR}/installed-${AIE4SIM_TRACE_ENGINE_VERSION}.stamp)
add_custom_command(OUTPUT ${stamp}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${AIE4SIM_TRACE_ENGINE_DIR}
  COMMAND ${AIE4SIM_NPM} install --prefix ${AIE4SIM_TRACE_ENGINE_DIR} --no-audit --no-fund
          --loglevel=error @paulirish/trace_engine@${AIE4SIM_TRACE_ENGINE_VERSION}
  COMMAND ${CMAKE_COMMAND} -E touch ${stamp}
  COMMENT "Installing Chrome DevTools' trace engine ${AIE4SIM_TRACE_ENGINE_VERSION} (npm) for the trace tests")
add_custom_target(trace-engine ALL DEPENDS ${stamp})
