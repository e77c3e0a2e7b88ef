#include "aie_tiles/timing_table.h"

#include "common/config_node.h"

namespace aie4sim::tiles {

TimingTable parse_timing_table(const common::ConfigNode& node) {
    node.expect_only({"clock_hz",
                      "int8_macs_per_cycle",
                      "bf16_macs_per_cycle",
                      "int8_elements_per_cycle",
                      "bf16_elements_per_cycle",
                      "int32_elements_per_cycle",
                      "copy_bytes_per_cycle",
                      "kernel_overhead_cycles",
                      "core_dma_bytes_per_cycle",
                      "mem_dma_bytes_per_cycle",
                      "shim_dma_bytes_per_cycle",
                      "dma_bd_overhead_cycles",
                      "shim_mm2s_task_overhead_cycles",
                      "shim_s2mm_task_overhead_cycles",
                      "stream_width_bytes",
                      "hop_latency_cycles",
                      "master_latency_cycles",
                      "slave_fifo_depth",
                      "local_master_fifo_depth",
                      "external_master_fifo_depth",
                      "core_ingress_depth",
                      "mem_ingress_depth",
                      "shim_ingress_depth",
                      "lock_acquire_cycles",
                      "lock_release_cycles",
                      "control_access_cycles",
                      "poll_interval_cycles",
                      "uc_instruction_cycles",
                      "uc_dma_bd_cycles",
                      "uc_page_bytes_per_cycle"});
    TimingTable t;
    // Up to 4 GHz: the period (>= 250 ps) rounds to SystemC's default 1 ps resolution with an
    // error below 0.2 %; cycle counts derived from simulated time stay exact.
    t.clock_hz = node.get_double("clock_hz", t.clock_hz, 1e6, 1e9 * 4);
    auto rate = [&node](const char* key, std::uint32_t fallback, std::uint64_t max) {
        return static_cast<std::uint32_t>(node.get_uint(key, fallback, 1, max));
    };
    auto cycles = [&node](const char* key, std::uint32_t fallback, std::uint64_t max) {
        return static_cast<std::uint32_t>(node.get_uint(key, fallback, 0, max));
    };
    t.int8_macs_per_cycle = rate("int8_macs_per_cycle", t.int8_macs_per_cycle, 1u << 20);
    t.bf16_macs_per_cycle = rate("bf16_macs_per_cycle", t.bf16_macs_per_cycle, 1u << 20);
    t.int8_elements_per_cycle =
        rate("int8_elements_per_cycle", t.int8_elements_per_cycle, 1u << 20);
    t.bf16_elements_per_cycle =
        rate("bf16_elements_per_cycle", t.bf16_elements_per_cycle, 1u << 20);
    t.int32_elements_per_cycle =
        rate("int32_elements_per_cycle", t.int32_elements_per_cycle, 1u << 20);
    t.copy_bytes_per_cycle = rate("copy_bytes_per_cycle", t.copy_bytes_per_cycle, 1u << 20);
    t.kernel_overhead_cycles = cycles("kernel_overhead_cycles", t.kernel_overhead_cycles, 1u << 24);
    // DMA and stream rates must be multiples of 4: the DMA moves whole 32-bit words, and
    // a word must never straddle two cycles of a chunk's transfer time.
    auto word_rate = [&node](const char* key, std::uint32_t fallback) {
        const auto v = static_cast<std::uint32_t>(node.get_uint(key, fallback, 4, 4096));
        if (v % 4 != 0) {
            node.fail(key, "must be a multiple of 4 bytes");
        }
        return v;
    };
    t.core_dma_bytes_per_cycle = word_rate("core_dma_bytes_per_cycle", t.core_dma_bytes_per_cycle);
    t.mem_dma_bytes_per_cycle = word_rate("mem_dma_bytes_per_cycle", t.mem_dma_bytes_per_cycle);
    t.shim_dma_bytes_per_cycle = word_rate("shim_dma_bytes_per_cycle", t.shim_dma_bytes_per_cycle);
    t.stream_width_bytes = word_rate("stream_width_bytes", t.stream_width_bytes);
    t.dma_bd_overhead_cycles = cycles("dma_bd_overhead_cycles", t.dma_bd_overhead_cycles, 1u << 20);
    t.shim_mm2s_task_overhead_cycles =
        cycles("shim_mm2s_task_overhead_cycles", t.shim_mm2s_task_overhead_cycles, 1u << 24);
    t.shim_s2mm_task_overhead_cycles =
        cycles("shim_s2mm_task_overhead_cycles", t.shim_s2mm_task_overhead_cycles, 1u << 24);
    t.hop_latency_cycles = cycles("hop_latency_cycles", t.hop_latency_cycles, 1024);
    t.master_latency_cycles = cycles("master_latency_cycles", t.master_latency_cycles, 1024);
    t.slave_fifo_depth = rate("slave_fifo_depth", t.slave_fifo_depth, 1024);
    t.local_master_fifo_depth = rate("local_master_fifo_depth", t.local_master_fifo_depth, 1024);
    t.external_master_fifo_depth =
        rate("external_master_fifo_depth", t.external_master_fifo_depth, 1024);
    t.core_ingress_depth = rate("core_ingress_depth", t.core_ingress_depth, 1024);
    t.mem_ingress_depth = rate("mem_ingress_depth", t.mem_ingress_depth, 1024);
    t.shim_ingress_depth = rate("shim_ingress_depth", t.shim_ingress_depth, 1024);
    t.lock_acquire_cycles = cycles("lock_acquire_cycles", t.lock_acquire_cycles, 1024);
    t.lock_release_cycles = cycles("lock_release_cycles", t.lock_release_cycles, 1024);
    t.control_access_cycles = cycles("control_access_cycles", t.control_access_cycles, 1u << 20);
    t.poll_interval_cycles = rate("poll_interval_cycles", t.poll_interval_cycles, 1u << 20);
    t.uc_instruction_cycles = cycles("uc_instruction_cycles", t.uc_instruction_cycles, 1u << 20);
    t.uc_dma_bd_cycles = cycles("uc_dma_bd_cycles", t.uc_dma_bd_cycles, 1u << 20);
    t.uc_page_bytes_per_cycle = rate("uc_page_bytes_per_cycle", t.uc_page_bytes_per_cycle, 4096);
    return t;
}

} // namespace aie4sim::tiles
