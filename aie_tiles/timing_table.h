#pragma once
// The timing model is data: every figure the array charges comes from this table, loaded from
// the "aie.timing" configuration section with the built-in defaults below. Each default names
// its source (reference = /work/shared/reference/aie-architecture.md); docs/aie_tiles.md
// repeats the table. Plain C++: no SystemC here.

#include "aie_tiles/format/geometry.h"

#include <cstdint>

namespace aie4sim::common {
class ConfigNode;
}

namespace aie4sim::tiles {

struct TimingTable {
    // NPU3 DPM table tops out at 1200 MHz (reference §1, xdna-drv npu3_regs.c).
    double clock_hz = 1.2e9;

    // Driver TOPS formula: 4096 ops per column per cycle = 2048 MACs over 4 compute tiles
    // (reference §1, xdna-drv; the same formula holds for NPU3).
    std::uint32_t int8_macs_per_cycle = 512;
    // AIE-ML: 128 bf16 MACs per cycle (reference §1, AM020); AIE4's figure is not public.
    std::uint32_t bf16_macs_per_cycle = 128;
    // Element-wise throughput: one 512-bit vector per cycle (AIE-ML X registers are 512-bit,
    // reference §2, AM020 ch.4): 64 int8 lanes, 32 bf16 lanes, 16 int32 lanes. Copy moves the
    // 256-bit store width per cycle.
    std::uint32_t int8_elements_per_cycle = 64;
    std::uint32_t bf16_elements_per_cycle = 32;
    std::uint32_t int32_elements_per_cycle = 16;
    std::uint32_t copy_bytes_per_cycle = 32;
    // Fixed cost per kernel invocation (loop prologue/epilogue, pointer setup, lock
    // instructions): our estimate; no public figure.
    std::uint32_t kernel_overhead_cycles = 64;

    // DMA memory-side rates. Compute: 128-bit bank port, "up to 4 words per cycle to memory"
    // (reference §7, AM020). Memtile: 128-bit read/write interfaces (reference §3, AM020).
    // Shim: 4 bytes per cycle per channel (reference §4/§7, AM020; Phoenix measured ~1 word).
    std::uint32_t core_dma_bytes_per_cycle = 16;
    std::uint32_t mem_dma_bytes_per_cycle = 16;
    std::uint32_t shim_dma_bytes_per_cycle = 4;
    // Per-BD cost: BD setup 4 + channel start 2 + memory latency 5 (reference §7, xdna-emu).
    std::uint32_t dma_bd_overhead_cycles = 11;
    // Per-task shim overheads calibrated on Phoenix (reference §7, xdna-emu: 325 MM2S, 179 S2MM).
    std::uint32_t shim_mm2s_task_overhead_cycles = 325;
    std::uint32_t shim_s2mm_task_overhead_cycles = 179;

    // AIE4's data switch is called the "512B switch" (reference §2); we read it as 512 bits =
    // 64 bytes per cycle per port. SPECULATIVE; AIE-ML streams are 4 bytes.
    std::uint32_t stream_width_bytes = 64;
    // A switch traversal costs 2 cycles (AM020 external/local slave 2-cycle; xdna-emu hop 2),
    // the final local master 1 cycle: local->local = 3 cycles as AM020 states.
    std::uint32_t hop_latency_cycles = 2;
    std::uint32_t master_latency_cycles = 1;
    // FIFO depths in stream words (reference §2/§7, AM020): slave 4, local master 2, external
    // master 4. Receive buffering at the DMA (xdna-emu HW-confirmed): memtile 16, compute 8;
    // shim: no figure, we use 8.
    std::uint32_t slave_fifo_depth = 4;
    std::uint32_t local_master_fifo_depth = 2;
    std::uint32_t external_master_fifo_depth = 4;
    std::uint32_t core_ingress_depth = 8;
    std::uint32_t mem_ingress_depth = 16;
    std::uint32_t shim_ingress_depth = 8;

    // Lock acquire/release about 1 cycle (reference §7, xdna-emu).
    std::uint32_t lock_acquire_cycles = 1;
    std::uint32_t lock_release_cycles = 1;

    // Control path: 4 bytes at the 1.5 GB/s AXI4 design target (reference §7, AM020) = 2.7 ns
    // = 3.2 cycles at 1.2 GHz, rounded up. Charged per 32-bit register access.
    std::uint32_t control_access_cycles = 4;
    // Interval between two reads of a control-code MASKPOLL: our estimate of a microcontroller
    // polling loop (a few instructions plus one control-path read).
    std::uint32_t poll_interval_cycles = 32;
    // The CERT uC that runs control code (docs/control-code.md): the cost of interpreting one
    // instruction, of each uC-DMA descriptor on top of its register writes, and the rate at
    // which it pages control code in from host memory. Our estimates: a Microblaze running
    // the job-runner at the array clock, a 128-bit AXI port for the page fetch.
    std::uint32_t uc_instruction_cycles = 8;
    std::uint32_t uc_dma_bd_cycles = 8;
    std::uint32_t uc_page_bytes_per_cycle = 16;

    [[nodiscard]] std::uint32_t dma_bytes_per_cycle(TileKind kind) const {
        return kind == TileKind::core
                   ? core_dma_bytes_per_cycle
                   : (kind == TileKind::mem ? mem_dma_bytes_per_cycle : shim_dma_bytes_per_cycle);
    }
    [[nodiscard]] std::uint32_t ingress_depth(TileKind kind) const {
        return kind == TileKind::core
                   ? core_ingress_depth
                   : (kind == TileKind::mem ? mem_ingress_depth : shim_ingress_depth);
    }
    // Peak int8 throughput of `columns` columns by the driver's formula, in ops per second.
    [[nodiscard]] double driver_peak_ops(unsigned columns) const {
        return 4096.0 * columns * clock_hz;
    }
};

// Reads "aie.timing"; absent keys keep their defaults, unknown keys and out-of-range values
// are refused with the field name.
TimingTable parse_timing_table(const common::ConfigNode& timing_section);

} // namespace aie4sim::tiles
