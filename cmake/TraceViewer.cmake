# Chrome DevTools' trace engine (the Performance panel's parser, npm @paulirish/trace_engine),
# an optional second judge of our traces. A fresh Debian machine reaches only Debian's registry
# (through apt), and Debian does not package this engine, so the build never fetches it:
# `scripts/fetch-trace-engine.sh BUILD_DIR` installs it with the machine's own npm and its
# configured registry. When it is there (or AIE4SIM_TRACE_ENGINE_DIR names a copy), the trace
# tests also load every trace with it; without it they check the trace-event format alone.
set(AIE4SIM_TRACE_ENGINE_VERSION 0.0.65 CACHE INTERNAL "")
set(AIE4SIM_TRACE_ENGINE_DIR "" CACHE PATH
  "an installed @paulirish/trace_engine (scripts/fetch-trace-engine.sh); empty: looked for in the build tree")
set(AIE4SIM_TRACE_ENGINE_FOUND "")
foreach(dir ${AIE4SIM_TRACE_ENGINE_DIR} ${PROJECT_BINARY_DIR}/deps/trace-engine)
  if(EXISTS ${dir}/node_modules/@paulirish/trace_engine/package.json AND NOT AIE4SIM_TRACE_ENGINE_FOUND)
    find_program(AIE4SIM_NODE node)
    if(AIE4SIM_NODE)
      set(AIE4SIM_TRACE_ENGINE_FOUND ${dir})
    endif()
  endif()
endforeach()
if(AIE4SIM_TRACE_ENGINE_FOUND)
  message(STATUS "Trace tests also load traces with DevTools' trace engine in ${AIE4SIM_TRACE_ENGINE_FOUND}")
else()
  message(STATUS "DevTools' trace engine not installed: trace tests check the format only "
                 "(scripts/fetch-trace-engine.sh adds it)")
endif()
