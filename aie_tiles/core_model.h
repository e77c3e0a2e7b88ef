#pragma once
// The core of a compute tile, modelled at kernel level: instead of executing an ELF it runs a
// built-in kernel (aie_tiles/kernels/kernel_api.h) in the loop a real AIE kernel runs over its
// object FIFOs:
//
//   for o in 0 .. OUTER_COUNT-1:
//       acquire the locks of the ports at outer level
//       for i in 0 .. INNER_COUNT-1:
//           acquire the locks of the ports at inner level
//           run the kernel on in0/in1/out = BASE + slot * STRIDE of each port
//           (FLAGS accumulate control: params[P] bit 0 = 0 when i == 0, 1 otherwise)
//           wait the kernel's cycles; release the inner ports' locks; advance their slots
//       release the outer ports' locks; advance their slots
//
// Each port's slot cycles through SLOTS buffers (ping-pong with 2), so a port with a lock pair
// is one end of an object FIFO. Registers are in register_map.h ("Core register block"); the
// program's registers are read when it starts, so rewriting them while it runs has no effect
// on that run. A kernel that refuses its invocation, a bad configuration or a lock error stops
// the core with status error and a reason code, and the column's error log gets the text.

#include "aie_tiles/array_context.h"
#include "aie_tiles/format/register_map.h"
#include "aie_tiles/kernels/kernel_api.h"

#include <array>
#include <cstdint>
#include <systemc>

namespace aie4sim::tiles {

class Tile;

class CoreModel {
public:
    explicit CoreModel(Tile& tile);
    CoreModel(const CoreModel&) = delete;
    CoreModel& operator=(const CoreModel&) = delete;

    void spawn();

    // `reg` is relative to the core block (register_map.h kCore). False when unmapped.
    bool read(std::uint32_t reg, std::uint32_t& value) const;
    bool write(std::uint32_t reg, std::uint32_t value);

    [[nodiscard]] std::uint32_t status() const;
    [[nodiscard]] std::uint64_t busy_cycles() const { return busy_cycles_; }
    [[nodiscard]] const sc_core::sc_event& done_event() const { return done_event_; }

    void reset();

    // Adds the core's state (running, in a kernel, stalled on a lock, done, error, kernel runs)
    // to a waveform, as signals named `prefix`.NAME.
    void trace(sc_core::sc_trace_file* file, const std::string& prefix) const;

private:
    struct Port {
        std::uint32_t base = 0;
        std::uint32_t slots = 1;
        std::uint32_t stride = 0;
        std::uint32_t acquire = 0;
        std::uint32_t release = 0;
        std::uint32_t level = 0; // 0 inner, 1 outer
    };
    struct Program {
        std::uint32_t kernel = 0;
        std::uint32_t inner = 1;
        std::uint32_t outer = 1;
        std::uint32_t flags = 0;
        std::array<std::uint32_t, 8> params{};
        std::array<Port, regs::kCorePortCount> ports{};
    };

    void thread();
    bool run(const Program& p, const AbortCheck& abort);
    bool acquire_ports(const Program& p, std::uint32_t level, const AbortCheck& abort);
    bool release_ports(const Program& p, std::uint32_t level, std::array<std::uint32_t, 3>& slot);
    bool fail(regs::CoreError code, const std::string& message);
    [[nodiscard]] std::uint64_t kernel_cycles(const kernels::KernelInvocation& inv) const;

    Tile& tile_;
    ResetDomain domain_;
    Program regs_;
    bool start_pending_ = false;
    bool running_ = false;
    bool done_ = false;
    bool error_ = false;
    bool lock_stall_ = false;
    bool in_kernel_ = false; // a kernel invocation's cycles are passing
    regs::CoreError error_code_ = regs::CoreError::none;
    std::uint32_t iterations_ = 0;
    std::uint64_t busy_cycles_ = 0;
    sc_core::sc_event start_event_;
    sc_core::sc_event done_event_;
};

} // namespace aie4sim::tiles
