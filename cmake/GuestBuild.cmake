# QEMU with the aie4sim device, and the guest image (Debian's 7.3.4 kernel, busybox, the
# guest programs), built by the project's scripts into this build tree. The scripts cache
# their downloads and builds, so these targets are cheap when nothing changed.
if(NOT AIE4SIM_GUEST)
  return()
endif()
if(NOT AIE4SIM_XRT)
  message(FATAL_ERROR "AIE4SIM_GUEST=ON needs AIE4SIM_XRT=ON: the guest image carries Debian's XRT")
endif()

file(GLOB qemu_device_sources CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/cosim/qemu/*.c ${PROJECT_SOURCE_DIR}/cosim/qemu/*.h
  ${PROJECT_SOURCE_DIR}/cosim/qemu/trace-events
  ${PROJECT_SOURCE_DIR}/cosim/protocol/*.c ${PROJECT_SOURCE_DIR}/cosim/protocol/*.h)
set(qemu_stamp ${PROJECT_BINARY_DIR}/qemu/.aie4sim-built)
add_custom_command(OUTPUT ${qemu_stamp}
  COMMAND ${PROJECT_SOURCE_DIR}/scripts/qemu/build.sh ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR}
  COMMAND ${CMAKE_COMMAND} -E touch ${qemu_stamp}
  DEPENDS ${qemu_device_sources}
          ${PROJECT_SOURCE_DIR}/scripts/qemu/build.sh
          ${PROJECT_SOURCE_DIR}/scripts/qemu/fetch-source.sh
          ${PROJECT_SOURCE_DIR}/scripts/lib/apt-private.sh
          ${PROJECT_SOURCE_DIR}/scripts/lib/common.sh
  USES_TERMINAL
  COMMENT "QEMU 7.2 with the aie4sim device (first build: about 3 minutes)")
add_custom_target(qemu ALL DEPENDS ${qemu_stamp})

file(GLOB guest_scripts CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/scripts/guest/*.sh)
set(image_stamp ${PROJECT_BINARY_DIR}/guest/.aie4sim-built)
add_custom_command(OUTPUT ${image_stamp}
  COMMAND ${PROJECT_SOURCE_DIR}/scripts/guest/build-image.sh ${PROJECT_BINARY_DIR} ${AIE4SIM_GUEST_BIN} ${AIE4SIM_GUEST_WORKLOADS}
  COMMAND ${CMAKE_COMMAND} -E touch ${image_stamp}
  DEPENDS ${AIE4SIM_GUEST_PROGRAMS} ${AIE4SIM_GUEST_FILES} ${AIE4SIM_GUEST_WORKLOAD_FILES}
          ${guest_scripts}
          ${AIE4SIM_XRT_STAMP} ${PROJECT_SOURCE_DIR}/scripts/xrt/fetch-xrt.sh
          ${PROJECT_SOURCE_DIR}/scripts/lib/apt-private.sh
          ${PROJECT_SOURCE_DIR}/scripts/lib/common.sh
  USES_TERMINAL
  COMMENT "Guest image: Debian kernel 7.3.4 with amdxdna, busybox, Debian's XRT, the guest programs")
add_custom_target(guest-image ALL DEPENDS ${image_stamp})
add_dependencies(guest-image guest-workloads)
