#include "aie_tiles/control_code_runner.h"

#include "aie_tiles/format/control_code_format.h"
#include "common/log.h"

#include <sstream>

namespace aie4sim::tiles {

namespace {

using cc::Opcode;

std::string hex(std::uint64_t v) {
    std::ostringstream s;
    s << "0x" << std::hex << v;
    return s.str();
}

std::string op_name(std::size_t index, const cc::Op& op) {
    return "op " + std::to_string(index) + " (" + cc::opcode_name(op.opcode) + " at byte " +
           std::to_string(op.byte_offset) + ")";
}

// The state of one run: partition, error baseline and the running clock.
class Execution {
public:
    Execution(AieArray& array, const std::uint8_t* code, const std::vector<std::uint64_t>& args,
              unsigned first, unsigned count)
        : array_(array), code_(code), args_(args), first_(first), count_(count) {
        for (unsigned c = first_; c < first_ + count_; ++c) {
            baseline_.push_back(array_.error_count(c));
        }
    }

    ControlCodeResult result;

    bool fail(ControlCodeStatus status, std::string message) {
        result.status = status;
        result.error = std::move(message);
        return false;
    }

    // Checks that need no simulation: addresses, channels, arguments.
    bool check(std::size_t index, const cc::Op& op) {
        auto check_address = [&](std::uint64_t a) {
            const std::uint64_t col = a >> kColumnShift;
            if (col >= count_) {
                return fail(ControlCodeStatus::address_error,
                            op_name(index, op) + ": address " + hex(a) + " is in column " +
                                std::to_string(col) + ", outside the partition's " +
                                std::to_string(count_) + " columns");
            }
            return true;
        };
        switch (op.opcode) {
        case Opcode::write32:
        case Opcode::maskwrite:
        case Opcode::maskpoll:
            return check_address(op.address);
        case Opcode::blockwrite:
            return check_address(op.address) &&
                   check_address(std::uint64_t{op.address} + 4 * std::uint64_t{op.count} -
                                 (op.count > 0 ? 4 : 0));
        case Opcode::patch_address:
            if (!check_address(op.address) || !check_address(std::uint64_t{op.address} + 4)) {
                return false;
            }
            if (op.argument >= args_.size()) {
                return fail(ControlCodeStatus::argument_error,
                            op_name(index, op) + ": argument index " + std::to_string(op.argument) +
                                " but the command provides " + std::to_string(args_.size()) +
                                " arguments");
            }
            return true;
        case Opcode::wait_tokens: {
            const cc::TokenChannel& t = op.tokens;
            const DmaDir dir = t.mm2s ? DmaDir::mm2s : DmaDir::s2mm;
            if (t.column >= count_ ||
                !array_.has_channel(first_ + t.column, t.row, dir, t.channel)) {
                return fail(ControlCodeStatus::address_error,
                            op_name(index, op) + ": no " + dma_dir_name(dir) +
                                std::to_string(t.channel) + " channel at column " +
                                std::to_string(t.column) + " row " + std::to_string(t.row) +
                                " of the partition");
            }
            if (op.count == 0) {
                return fail(ControlCodeStatus::format_error,
                            op_name(index, op) + ": token count 0");
            }
            return true;
        }
        case Opcode::nop:
        case Opcode::end:
            return true;
        }
        return true;
    }

    bool execute(std::size_t index, const cc::Op& op) {
        switch (op.opcode) {
        case Opcode::nop:
            return true;
        case Opcode::write32:
            return write_words(index, op, op.address, &op.value, 1);
        case Opcode::blockwrite: {
            if (op.count == 0) {
                return true;
            }
            // One access for the whole block (memory initialisation is large); word by word
            // only to name the failing address when the block is not entirely mapped.
            if (array_.write(array_address(op.address), code_ + op.data_offset, 4 * op.count) ==
                AccessStatus::ok) {
                spend(op.count);
                return true;
            }
            std::vector<std::uint32_t> words(op.count);
            for (std::uint32_t i = 0; i < op.count; ++i) {
                words[i] = cc::read_word(code_, op.data_offset + 4 * std::size_t{i});
            }
            return write_words(index, op, op.address, words.data(), op.count);
        }
        case Opcode::maskwrite: {
            std::uint32_t v = 0;
            if (!read_word(index, op, op.address, v)) {
                return false;
            }
            v = (v & ~op.mask) | (op.value & op.mask);
            return write_words(index, op, op.address, &v, 1);
        }
        case Opcode::patch_address: {
            const std::uint64_t value = args_[op.argument] + op.offset;
            const std::uint32_t words[2] = {static_cast<std::uint32_t>(value),
                                            static_cast<std::uint32_t>(value >> 32)};
            return write_words(index, op, op.address, words, 2);
        }
        case Opcode::maskpoll:
            return maskpoll(index, op);
        case Opcode::wait_tokens:
            return wait_tokens(index, op);
        case Opcode::end:
            return check_device(index, op);
        }
        return true;
    }

private:
    std::uint64_t array_address(std::uint32_t address) const {
        return (std::uint64_t{first_} << kColumnShift) + address;
    }

    void spend(std::uint64_t accesses) {
        const std::uint64_t cycles = accesses * array_.context().timing().control_access_cycles;
        if (cycles > 0) {
            sc_core::wait(array_.context().cycles(cycles));
        }
    }

    std::string where(std::uint32_t address) const {
        const auto d = decode_address(array_.geometry(), array_address(address));
        if (!d) {
            return hex(address);
        }
        return hex(address) + " (column " + std::to_string(d->col - first_) + ", row " +
               std::to_string(d->row) + ", offset " + hex(d->offset) + ")";
    }

    bool write_words(std::size_t index, const cc::Op& op, std::uint32_t address,
                     const std::uint32_t* words, std::uint32_t n) {
        for (std::uint32_t i = 0; i < n; ++i) {
            const std::uint32_t a = address + 4 * i;
            if (!array_.write32(array_address(a), words[i])) {
                return fail(ControlCodeStatus::address_error,
                            op_name(index, op) + ": write to unmapped address " + where(a));
            }
        }
        spend(n);
        return true;
    }

    bool read_word(std::size_t index, const cc::Op& op, std::uint32_t address,
                   std::uint32_t& value) {
        if (!array_.read32(array_address(address), value)) {
            return fail(ControlCodeStatus::address_error,
                        op_name(index, op) + ": read of unmapped address " + where(address));
        }
        spend(1);
        return true;
    }

    // The first error a partition column reported since the run started, if any.
    bool check_device(std::size_t index, const cc::Op& op) {
        for (unsigned i = 0; i < count_; ++i) {
            const unsigned col = first_ + i;
            if (array_.error_count(col) == baseline_[i]) {
                continue;
            }
            std::string detail = "an error was reported";
            const auto errs = array_.errors(col);
            const std::uint64_t fresh = array_.error_count(col) - baseline_[i];
            if (!errs.empty()) {
                const ArrayError& e =
                    errs[errs.size() > fresh ? errs.size() - fresh : std::size_t{0}];
                detail = "row " + std::to_string(e.row) + " " + e.source + ": " + e.message;
            }
            return fail(ControlCodeStatus::device_error, op_name(index, op) +
                                                             ": partition column " +
                                                             std::to_string(i) + ": " + detail);
        }
        return true;
    }

    bool maskpoll(std::size_t index, const cc::Op& op) {
        const sc_core::sc_time start = simulation_now();
        const sc_core::sc_time limit = array_.context().cycles(op.timeout);
        const sc_core::sc_time interval =
            array_.context().cycles(array_.context().timing().poll_interval_cycles);
        for (;;) {
            std::uint32_t v = 0;
            if (!read_word(index, op, op.address, v)) {
                return false;
            }
            if ((v & op.mask) == op.value) {
                return true;
            }
            if (!check_device(index, op)) {
                return false;
            }
            const sc_core::sc_time elapsed = sc_core::sc_time_stamp() - start;
            if (elapsed >= limit) {
                return fail(ControlCodeStatus::timeout,
                            op_name(index, op) + ": " + where(op.address) + " & " + hex(op.mask) +
                                " still " + hex(v & op.mask) + ", not " + hex(op.value) +
                                ", after " + std::to_string(op.timeout) + " cycles");
            }
            sc_core::wait(std::min(interval, limit - elapsed), array_.error_event());
        }
    }

    bool wait_tokens(std::size_t index, const cc::Op& op) {
        const cc::TokenChannel& t = op.tokens;
        const DmaDir dir = t.mm2s ? DmaDir::mm2s : DmaDir::s2mm;
        const unsigned col = first_ + t.column;
        const sc_core::sc_time start = simulation_now();
        const sc_core::sc_time limit = array_.context().cycles(op.timeout);
        for (;;) {
            if (array_.tokens_available(col, t.row, dir, t.channel) >= op.count) {
                array_.consume_tokens(col, t.row, dir, t.channel, op.count);
                return true;
            }
            if (!check_device(index, op)) {
                return false;
            }
            const sc_core::sc_time elapsed = sc_core::sc_time_stamp() - start;
            if (elapsed >= limit) {
                return fail(
                    ControlCodeStatus::timeout,
                    op_name(index, op) + ": " + std::to_string(op.count) +
                        " token(s) from column " + std::to_string(t.column) + " row " +
                        std::to_string(t.row) + " " + dma_dir_name(dir) +
                        std::to_string(t.channel) + " not received within " +
                        std::to_string(op.timeout) + " cycles (" +
                        std::to_string(array_.tokens_available(col, t.row, dir, t.channel)) +
                        " available)");
            }
            sc_core::wait(limit - elapsed, array_.token_event() | array_.error_event());
        }
    }

    AieArray& array_;
    const std::uint8_t* code_;
    const std::vector<std::uint64_t>& args_;
    unsigned first_;
    unsigned count_;
    std::vector<std::uint64_t> baseline_;
};

} // namespace

const char* control_code_status_name(ControlCodeStatus status) {
    switch (status) {
    case ControlCodeStatus::ok:
        return "ok";
    case ControlCodeStatus::format_error:
        return "format error";
    case ControlCodeStatus::address_error:
        return "address error";
    case ControlCodeStatus::argument_error:
        return "argument error";
    case ControlCodeStatus::timeout:
        return "timeout";
    case ControlCodeStatus::device_error:
        return "device error";
    }
    return "?";
}

ControlCodeResult ControlCodeRunner::run(const std::uint8_t* code, std::size_t size,
                                         const std::vector<std::uint64_t>& args,
                                         unsigned first_column, unsigned column_count) {
    const sc_core::sc_time start = simulation_now();
    ControlCodeResult bad;
    if (column_count == 0 || first_column >= array_.geometry().columns ||
        column_count > array_.geometry().columns - first_column) {
        bad.status = ControlCodeStatus::address_error;
        bad.error = "partition columns " + std::to_string(first_column) + "+" +
                    std::to_string(column_count) + " outside the array's " +
                    std::to_string(array_.geometry().columns) + " columns";
        return bad;
    }
    const cc::ParseResult parsed = cc::parse(code, size);
    if (!parsed.ok) {
        bad.status = ControlCodeStatus::format_error;
        bad.error = parsed.error;
        return bad;
    }
    if (parsed.program.columns > column_count) {
        bad.status = ControlCodeStatus::address_error;
        bad.error = "control code addresses " + std::to_string(parsed.program.columns) +
                    " columns; the partition has " + std::to_string(column_count);
        return bad;
    }
    Execution exec(array_, code, args, first_column, column_count);
    const auto& ops = parsed.program.ops;
    for (std::size_t i = 0; i < ops.size(); ++i) {
        if (!exec.check(i, ops[i])) {
            return exec.result;
        }
    }
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const bool ok = exec.execute(i, ops[i]);
        exec.result.ops_executed = i + 1;
        if (!ok) {
            break;
        }
    }
    exec.result.cycles = array_.context().to_cycles(sc_core::sc_time_stamp() - start);
    AIE4SIM_LOG(debug, "aie",
                "control code on columns " << first_column << "+" << column_count << ": "
                                           << control_code_status_name(exec.result.status)
                                           << " after " << exec.result.cycles << " cycles");
    return exec.result;
}

} // namespace aie4sim::tiles
