#include "aie_tiles/core_model.h"

#include "aie_tiles/tile.h"
#include "common/log.h"

namespace aie4sim::tiles {

namespace {

using regs::CoreError;

constexpr std::uint32_t kPortsBegin = regs::kCorePorts - regs::kCore;
constexpr std::uint32_t kPortsEnd = kPortsBegin + regs::kCorePortCount * regs::kCorePortStride;
constexpr std::uint32_t kLockWordValid = (1u << 31) | (1u << 30) | (0x3Fu << 16) | 0x7Fu;

struct LockWord {
    bool enable;
    bool equal;
    unsigned id;
    int value;
};

LockWord decode_lock(std::uint32_t w) {
    const std::uint32_t raw = w & 0x7Fu;
    const int value = (raw & 0x40u) != 0 ? static_cast<int>(raw) - 128 : static_cast<int>(raw);
    return LockWord{(w >> 31) != 0, ((w >> 30) & 1u) != 0, (w >> 16) & 0x3Fu, value};
}

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) {
    return (a + b - 1) / b;
}

} // namespace

CoreModel::CoreModel(Tile& tile) : tile_(tile) {}

void CoreModel::spawn() {
    const std::string n =
        "c" + std::to_string(tile_.col()) + "_r" + std::to_string(tile_.row()) + "_core";
    sc_core::sc_spawn([this] { thread(); }, n.c_str());
}

std::uint32_t CoreModel::status() const {
    return (running_ ? regs::kCoreStatusRunning : 0u) | (done_ ? regs::kCoreStatusDone : 0u) |
           (error_ ? regs::kCoreStatusError : 0u) |
           (lock_stall_ ? regs::kCoreStatusLockStall : 0u) |
           (static_cast<std::uint32_t>(error_code_) << regs::kCoreStatusErrorShift);
}

bool CoreModel::read(std::uint32_t reg, std::uint32_t& value) const {
    const std::uint32_t r = regs::kCore + reg;
    if (r == regs::kCoreControl) {
        value = 0;
    } else if (r == regs::kCoreStatus) {
        value = status();
    } else if (r == regs::kCoreIterations) {
        value = iterations_;
    } else if (r == regs::kCoreKernel) {
        value = regs_.kernel;
    } else if (r == regs::kCoreInnerCount) {
        value = regs_.inner;
    } else if (r == regs::kCoreOuterCount) {
        value = regs_.outer;
    } else if (r == regs::kCoreFlags) {
        value = regs_.flags;
    } else if (r >= regs::kCoreParams && r < regs::kCoreParams + 32) {
        value = regs_.params[(r - regs::kCoreParams) / 4];
    } else if (reg >= kPortsBegin && reg < kPortsEnd) {
        const Port& p = regs_.ports[(reg - kPortsBegin) / regs::kCorePortStride];
        switch ((reg - kPortsBegin) % regs::kCorePortStride) {
        case regs::kCorePortBase:
            value = p.base;
            break;
        case regs::kCorePortSlots:
            value = p.slots;
            break;
        case regs::kCorePortSlotStride:
            value = p.stride;
            break;
        case regs::kCorePortAcquire:
            value = p.acquire;
            break;
        case regs::kCorePortRelease:
            value = p.release;
            break;
        case regs::kCorePortLevel:
            value = p.level;
            break;
        default:
            return false;
        }
    } else if (r == regs::kCoreBusyCyclesLow) {
        value = static_cast<std::uint32_t>(busy_cycles_);
    } else if (r == regs::kCoreBusyCyclesHigh) {
        value = static_cast<std::uint32_t>(busy_cycles_ >> 32);
    } else {
        return false;
    }
    return true;
}

bool CoreModel::write(std::uint32_t reg, std::uint32_t value) {
    const std::uint32_t r = regs::kCore + reg;
    auto refuse = [this](const std::string& what) { tile_.report("core", what); };
    if (r == regs::kCoreControl) {
        if ((value & ~(regs::kCoreControlStart | regs::kCoreControlReset)) != 0) {
            refuse("CORE_CONTROL: reserved bits set");
            return true;
        }
        if ((value & regs::kCoreControlReset) != 0) {
            reset();
        }
        if ((value & regs::kCoreControlStart) != 0) {
            if (running_ || start_pending_) {
                refuse("CORE_CONTROL start while the core is running: ignored");
            } else {
                start_pending_ = true;
                done_ = error_ = false;
                error_code_ = CoreError::none;
                start_event_.notify(sc_core::SC_ZERO_TIME);
            }
        }
    } else if (r == regs::kCoreStatus || r == regs::kCoreIterations ||
               r == regs::kCoreBusyCyclesLow || r == regs::kCoreBusyCyclesHigh) {
        refuse("write to a read-only core register ignored");
    } else if (r == regs::kCoreKernel) {
        regs_.kernel = value;
    } else if (r == regs::kCoreInnerCount) {
        regs_.inner = value;
    } else if (r == regs::kCoreOuterCount) {
        regs_.outer = value;
    } else if (r == regs::kCoreFlags) {
        if ((value & ~(regs::kCoreFlagAccumulate | (7u << regs::kCoreFlagParamShift))) != 0) {
            refuse("CORE_FLAGS: reserved bits set");
        } else {
            regs_.flags = value;
        }
    } else if (r >= regs::kCoreParams && r < regs::kCoreParams + 32) {
        regs_.params[(r - regs::kCoreParams) / 4] = value;
    } else if (reg >= kPortsBegin && reg < kPortsEnd) {
        Port& p = regs_.ports[(reg - kPortsBegin) / regs::kCorePortStride];
        switch ((reg - kPortsBegin) % regs::kCorePortStride) {
        case regs::kCorePortBase:
            p.base = value;
            break;
        case regs::kCorePortSlots:
            p.slots = value;
            break;
        case regs::kCorePortSlotStride:
            p.stride = value;
            break;
        case regs::kCorePortAcquire:
        case regs::kCorePortRelease:
            if ((value & ~kLockWordValid) != 0) {
                refuse("core port lock word: reserved bits set");
            } else if ((reg - kPortsBegin) % regs::kCorePortStride == regs::kCorePortAcquire) {
                p.acquire = value;
            } else {
                p.release = value;
            }
            break;
        case regs::kCorePortLevel:
            if (value > 1) {
                refuse("core port level must be 0 (inner) or 1 (outer)");
            } else {
                p.level = value;
            }
            break;
        default:
            return false;
        }
    } else {
        return false;
    }
    return true;
}

void CoreModel::reset() {
    domain_.trigger();
    start_pending_ = running_ = done_ = error_ = lock_stall_ = in_kernel_ = false;
    error_code_ = CoreError::none;
    iterations_ = 0;
    busy_cycles_ = 0;
}

bool CoreModel::fail(CoreError code, const std::string& message) {
    running_ = false;
    error_ = true;
    lock_stall_ = false;
    error_code_ = code;
    tile_.report("core", message);
    done_event_.notify(sc_core::SC_ZERO_TIME);
    return false;
}

void CoreModel::thread() {
    for (;;) {
        if (!start_pending_) {
            sc_core::wait(start_event_ | domain_.event());
            continue;
        }
        const AbortCheck abort(domain_);
        start_pending_ = false;
        running_ = true;
        const Program program = regs_; // the run uses the registers as they were at start
        ArrayObserver* observer = tile_.context().observer();
        if (observer != nullptr) {
            observer->core_begin(tile_.col(), tile_.row(), program.kernel, program.inner,
                                 program.outer);
        }
        const bool ok = run(program, abort);
        if (observer != nullptr) {
            observer->core_end(tile_.col(), tile_.row(), ok && !abort.aborted());
        }
        if (abort.aborted() || !ok) {
            continue;
        }
        running_ = false;
        done_ = true;
        done_event_.notify(sc_core::SC_ZERO_TIME);
        AIE4SIM_LOG(debug, "aie",
                    tile_.name() << " core: done after " << iterations_ << " kernel runs");
    }
}

bool CoreModel::acquire_ports(const Program& p, std::uint32_t level, const AbortCheck& abort) {
    for (unsigned i = 0; i < regs::kCorePortCount; ++i) {
        const LockWord l = decode_lock(p.ports[i].acquire);
        if (!l.enable || p.ports[i].level != level) {
            continue;
        }
        lock_stall_ = true;
        const LockBank::Result r = tile_.locks().acquire(l.id, l.equal, l.value, abort);
        lock_stall_ = false;
        if (r == LockBank::Result::aborted) {
            return false;
        }
        if (r == LockBank::Result::range_error) {
            return fail(CoreError::lock_range, "acquire of lock " + std::to_string(l.id) + " by " +
                                                   std::to_string(l.value) +
                                                   " would leave -64..63");
        }
        if (!abort.wait_for(tile_.context().cycles(tile_.context().timing().lock_acquire_cycles))) {
            return false;
        }
    }
    return true;
}

bool CoreModel::release_ports(const Program& p, std::uint32_t level,
                              std::array<std::uint32_t, 3>& slot) {
    for (unsigned i = 0; i < regs::kCorePortCount; ++i) {
        if (p.ports[i].level != level) {
            continue;
        }
        const LockWord l = decode_lock(p.ports[i].release);
        if (l.enable && tile_.locks().release(l.id, l.value) == LockBank::Result::range_error) {
            return fail(CoreError::lock_range, "release of lock " + std::to_string(l.id) + " by " +
                                                   std::to_string(l.value) +
                                                   " would leave -64..63");
        }
        slot[i] = (slot[i] + 1) % std::max<std::uint32_t>(p.ports[i].slots, 1);
    }
    return true;
}

std::uint64_t CoreModel::kernel_cycles(const kernels::KernelInvocation& inv) const {
    const TimingTable& t = tile_.context().timing();
    const kernels::KernelWork w = kernels::kernel_work(inv);
    std::uint64_t cycles = 0;
    using Type = kernels::KernelWork::Type;
    if (w.macs != 0) {
        cycles =
            ceil_div(w.macs, w.type == Type::bf16 ? t.bf16_macs_per_cycle : t.int8_macs_per_cycle);
    }
    if (w.elements != 0) {
        std::uint64_t rate = t.int8_elements_per_cycle;
        if (w.type == Type::bf16) {
            rate = t.bf16_elements_per_cycle;
        } else if (w.type == Type::int32) {
            rate = t.int32_elements_per_cycle;
        } else if (w.type == Type::bytes) {
            rate = t.copy_bytes_per_cycle;
        }
        cycles += ceil_div(w.elements, rate);
    }
    return cycles + t.kernel_overhead_cycles;
}

bool CoreModel::run(const Program& p, const AbortCheck& abort) {
    if (p.inner == 0 || p.outer == 0) {
        return fail(CoreError::config, "INNER_COUNT and OUTER_COUNT must be at least 1");
    }
    for (unsigned i = 0; i < regs::kCorePortCount; ++i) {
        for (const std::uint32_t w : {p.ports[i].acquire, p.ports[i].release}) {
            const LockWord l = decode_lock(w);
            if (l.enable && l.id >= tile_.locks().size()) {
                return fail(CoreError::config, "port " + std::to_string(i) + " names lock " +
                                                   std::to_string(l.id) + " (the tile has " +
                                                   std::to_string(tile_.locks().size()) + ")");
            }
        }
    }
    const std::size_t memory_size = tile_.memory().size();
    const bool accumulate = (p.flags & regs::kCoreFlagAccumulate) != 0;
    const unsigned acc_param = (p.flags >> regs::kCoreFlagParamShift) & 7u;
    std::array<std::uint32_t, 3> slot{0, 0, 0};
    for (std::uint32_t o = 0; o < p.outer; ++o) {
        if (!acquire_ports(p, 1, abort)) {
            return false;
        }
        for (std::uint32_t i = 0; i < p.inner; ++i) {
            if (!acquire_ports(p, 0, abort)) {
                return false;
            }
            kernels::KernelInvocation inv;
            inv.id = static_cast<kernels::KernelId>(p.kernel);
            const auto address = [&](unsigned port) {
                return p.ports[port].base + slot[port] * p.ports[port].stride;
            };
            inv.in0 = address(0);
            inv.in1 = address(1);
            inv.out = address(2);
            for (unsigned k = 0; k < 8; ++k) {
                inv.params[k] = p.params[k];
            }
            if (accumulate) {
                inv.params[acc_param] = (inv.params[acc_param] & ~1u) | (i > 0 ? 1u : 0u);
            }
            // Fetched per run: a column reset releases the memory (this run then aborts at its
            // next wait, before it could touch the memory again).
            const kernels::KernelStatus st =
                kernels::run_kernel(inv, tile_.memory().contiguous(), memory_size);
            if (!st.ok) {
                return fail(CoreError::kernel,
                            std::string("kernel ") + std::string(kernels::kernel_name(inv.id)) +
                                " refused: " + (st.error != nullptr ? st.error : "unknown error"));
            }
            const std::uint64_t cycles = kernel_cycles(inv);
            busy_cycles_ += cycles;
            ArrayObserver* observer = tile_.context().observer();
            if (observer != nullptr) {
                observer->kernel_begin(tile_.col(), tile_.row(), p.kernel, cycles);
            }
            in_kernel_ = true;
            const bool alive = abort.wait_for(tile_.context().cycles(cycles));
            in_kernel_ = false;
            if (observer != nullptr) {
                observer->kernel_end(tile_.col(), tile_.row(), alive);
            }
            if (!alive) {
                return false;
            }
            if (!release_ports(p, 0, slot)) {
                return false;
            }
            ++iterations_;
        }
        if (!release_ports(p, 1, slot)) {
            return false;
        }
    }
    return true;
}

void CoreModel::trace(sc_core::sc_trace_file* file, const std::string& prefix) const {
    sc_core::sc_trace(file, running_, prefix + ".running");
    sc_core::sc_trace(file, in_kernel_, prefix + ".in_kernel");
    sc_core::sc_trace(file, lock_stall_, prefix + ".lock_stall");
    sc_core::sc_trace(file, done_, prefix + ".done");
    sc_core::sc_trace(file, error_, prefix + ".error");
    sc_core::sc_trace(file, iterations_, prefix + ".kernel_runs");
}

} // namespace aie4sim::tiles
