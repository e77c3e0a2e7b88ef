# AMD's user space from Debian (XRT 2.25 and its dependency closure, trixie-backports), fetched
# into the build tree by scripts/xrt/fetch-xrt.sh, and host wrappers that run its tools through
# the fetched loader. Other targets use the paths below; a target that runs a tool at build time
# depends on `xrt-host-tools` (or on ${AIE4SIM_XRT_STAMP} in a custom command).
option(AIE4SIM_XRT "Fetch Debian's XRT 2.25 (aiebu-asm, xrt-smi, the amdxdna shim, libxrt-dev headers)" ON)

if(NOT AIE4SIM_XRT)
  set(AIE4SIM_AIEBU_ASM "" CACHE INTERNAL "")
  set(AIE4SIM_AIEBU_DUMP "" CACHE INTERNAL "")
  set(AIE4SIM_XRT_EXEC "" CACHE INTERNAL "")
  set(AIE4SIM_XRT_ROOT "" CACHE INTERNAL "")
  set(AIE4SIM_XRT_STAMP "" CACHE INTERNAL "")
  return()
endif()

set(xrt_bin ${PROJECT_BINARY_DIR}/xrt/bin)
set(AIE4SIM_XRT_ROOT ${PROJECT_BINARY_DIR}/deps/xrt-2.25 CACHE INTERNAL
  "Debian's XRT 2.25 closure plus libxrt-dev, unpacked (usr/bin, usr/lib/x86_64-linux-gnu, usr/include)")
set(AIE4SIM_AIEBU_ASM ${xrt_bin}/aiebu-asm CACHE INTERNAL "Debian's aiebu-asm, runnable on the host")
set(AIE4SIM_AIEBU_DUMP ${xrt_bin}/aiebu-dump CACHE INTERNAL "Debian's aiebu-dump, runnable on the host")
set(AIE4SIM_XRT_EXEC ${xrt_bin}/xrt-exec CACHE INTERNAL
  "xrt-exec PROGRAM ARGS: runs a program with the fetched loader and libraries")
set(AIE4SIM_XRT_STAMP ${PROJECT_BINARY_DIR}/xrt/.aie4sim-fetched CACHE INTERNAL "")

add_custom_command(OUTPUT ${AIE4SIM_XRT_STAMP}
  COMMAND ${PROJECT_SOURCE_DIR}/scripts/xrt/fetch-xrt.sh ${PROJECT_BINARY_DIR}
  COMMAND ${CMAKE_COMMAND} -E touch ${AIE4SIM_XRT_STAMP}
  BYPRODUCTS ${AIE4SIM_AIEBU_ASM} ${AIE4SIM_AIEBU_DUMP} ${AIE4SIM_XRT_EXEC}
             ${xrt_bin}/xrt-smi ${xrt_bin}/xrt-runner
             # A link input of the XRT programs: without it named here, ninja refuses to start
             # a build whose tree has not fetched XRT yet.
             ${AIE4SIM_XRT_ROOT}/usr/lib/x86_64-linux-gnu/libxrt_coreutil.so.2
  DEPENDS ${PROJECT_SOURCE_DIR}/scripts/xrt/fetch-xrt.sh
          ${PROJECT_SOURCE_DIR}/scripts/lib/apt-private.sh
          ${PROJECT_SOURCE_DIR}/scripts/lib/common.sh
  USES_TERMINAL
  COMMENT "Debian's XRT 2.25 (about 18 MB of packages, once): aiebu-asm, xrt-smi, libxrt-dev")
add_custom_target(xrt-host-tools ALL DEPENDS ${AIE4SIM_XRT_STAMP})

# Programs built against Debian's XRT: its headers, and libxrt_coreutil.so.2 at link time. The
# fetched libraries need a newer glibc and libstdc++ than the host's, so the link leaves their
# own undefined symbols to the run-time loader (in the guest, or xrt-exec on the host).
add_library(aie4sim_xrt_api INTERFACE)
add_dependencies(aie4sim_xrt_api xrt-host-tools)
target_include_directories(aie4sim_xrt_api SYSTEM INTERFACE ${AIE4SIM_XRT_ROOT}/usr/include)
target_link_libraries(aie4sim_xrt_api INTERFACE
  ${AIE4SIM_XRT_ROOT}/usr/lib/x86_64-linux-gnu/libxrt_coreutil.so.2
  -Wl,--allow-shlib-undefined)
