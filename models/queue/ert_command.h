#pragma once
// The command BO a queue packet completes into: XRT's ERT command header word (the device
// writes the final state into its bits 3:0) and, for ERT_START_DPU, the cu masks and the
// ert_dpu_data entries the shim turns into a packet (one entry: a direct packet; a chain of
// entries: an indirect one, one uC each). Also the model's own trace record. Plain C++17.

#include "models/queue/host_queue.h"

#include <cstdint>
#include <string>
#include <vector>

namespace aie4sim::hq {

// ert_cmd_state, in bits 3:0 of the header word.
inline constexpr std::uint32_t kStateMask = 0xF;
inline constexpr std::uint32_t kStateNew = 1;
inline constexpr std::uint32_t kStateQueued = 2;
inline constexpr std::uint32_t kStateRunning = 3;
inline constexpr std::uint32_t kStateCompleted = 4;
inline constexpr std::uint32_t kStateError = 5;
inline constexpr std::uint32_t kStateAbort = 6;
inline constexpr std::uint32_t kStateSubmitted = 7;
inline constexpr std::uint32_t kStateTimeout = 8;
const char* ert_state_name(std::uint32_t state);

// Header word fields.
inline constexpr std::uint32_t kExtraCuMasksShift = 10;
inline constexpr std::uint32_t kExtraCuMasksMask = 0x3;
inline constexpr std::uint32_t kCountShift = 12;
inline constexpr std::uint32_t kCountMask = 0x7FF;
inline constexpr std::uint32_t kOpcodeShift = 23;
inline constexpr std::uint32_t kOpcodeMask = 0x1F;
inline constexpr std::uint32_t kErtStartDpu = 18;
inline constexpr std::uint32_t kErtCmdChain = 19;

// The header word with its state replaced (everything else kept).
inline std::uint32_t with_state(std::uint32_t word, std::uint32_t state) {
    return (word & ~kStateMask) | (state & kStateMask);
}

// ert_dpu_data: 24 bytes each, `chained` = entries that follow this one.
struct DpuData {
    std::uint64_t dtrace_buffer;
    std::uint64_t instruction_buffer;
    std::uint32_t instruction_size;
    std::uint16_t uc_index;
    std::uint16_t chained;
} __attribute__((packed));
static_assert(sizeof(DpuData) == 24, "ert_dpu_data");

struct StartDpu {
    std::uint32_t cu_mask = 1;
    std::vector<std::uint32_t> extra_cu_masks; // 0 to 3
    std::vector<DpuData> dpu;                  // in order; `chained` is filled by the encoder
    std::vector<std::uint32_t> payload;        // words after the entries (kernel arguments)
};

// The START_DPU command of a control code loaded at device address `image`: one entry per uC
// of `ucs` (anything with `index`, `offset` and `size`, such as the workload builder's
// ControlCode::Uc), in order, the trace record (`dtrace`, 0 for none) named by the first.
template <typename Ucs>
StartDpu start_dpu_for(const Ucs& ucs, std::uint64_t image, std::uint64_t dtrace) {
    StartDpu command;
    for (const auto& uc : ucs) {
        DpuData d{};
        d.dtrace_buffer = command.dpu.empty() ? dtrace : 0;
        d.instruction_buffer = image + uc.offset;
        d.instruction_size = static_cast<std::uint32_t>(uc.size);
        d.uc_index = static_cast<std::uint16_t>(uc.index);
        command.dpu.push_back(d);
    }
    return command;
}

// The command BO's words: header (state NEW), cu masks, dpu entries, payload. Throws
// std::invalid_argument when it does not fit the header's fields.
std::vector<std::uint32_t> encode_start_dpu(const StartDpu& command);

struct StartDpuDecode {
    bool ok = false;
    std::string error;
    StartDpu command;
};
// Checks the opcode, the count against the words given and against the masks and entries,
// and the `chained` countdown of the entries.
StartDpuDecode decode_start_dpu(const std::vector<std::uint32_t>& words);

// The queue command the shim submits for a START_DPU command BO at `command_bo`: one uC per
// entry, completion at the BO's header word, no argument list (XRT patches on the host).
Command command_from_start_dpu(const StartDpu& command, std::uint64_t command_bo);

// The record the device writes to a command's dtrace buffer, when the packet names one
// (the model's own format: the real CERT's is not public).
inline constexpr std::uint32_t kTraceMagic = 0x52543441; // "A4TR"
struct TraceRecord {
    std::uint32_t magic;
    std::uint32_t status;   // 0: ok; otherwise the control code status (docs)
    std::uint64_t start_ns; // simulated time the command started on the array
    std::uint64_t end_ns;   // and finished
    std::uint64_t cycles;   // array cycles
};
static_assert(sizeof(TraceRecord) == 32, "trace record");

} // namespace aie4sim::hq
