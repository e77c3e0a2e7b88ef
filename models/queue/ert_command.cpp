#include "models/queue/ert_command.h"

#include <cstring>
#include <stdexcept>

namespace aie4sim::hq {

namespace {
constexpr std::size_t kDpuWords = sizeof(DpuData) / 4;
} // namespace

const char* ert_state_name(std::uint32_t state) {
    switch (state) {
    case kStateNew:
        return "NEW";
    case kStateQueued:
        return "QUEUED";
    case kStateRunning:
        return "RUNNING";
    case kStateCompleted:
        return "COMPLETED";
    case kStateError:
        return "ERROR";
    case kStateAbort:
        return "ABORT";
    case kStateSubmitted:
        return "SUBMITTED";
    case kStateTimeout:
        return "TIMEOUT";
    default:
        return "unknown";
    }
}

std::vector<std::uint32_t> encode_start_dpu(const StartDpu& c) {
    if (c.extra_cu_masks.size() > kExtraCuMasksMask) {
        throw std::invalid_argument("at most 3 extra cu masks");
    }
    if (c.dpu.empty() || c.dpu.size() > kMaxIndirectEntries) {
        throw std::invalid_argument("a START_DPU command carries 1 to " +
                                    std::to_string(kMaxIndirectEntries) + " ert_dpu_data");
    }
    const std::size_t count =
        1 + c.extra_cu_masks.size() + c.dpu.size() * kDpuWords + c.payload.size();
    if (count > kCountMask) {
        throw std::invalid_argument("START_DPU payload of " + std::to_string(count) +
                                    " words does not fit the header's count");
    }
    std::vector<std::uint32_t> words;
    words.push_back(
        kStateNew | (static_cast<std::uint32_t>(c.extra_cu_masks.size()) << kExtraCuMasksShift) |
        (static_cast<std::uint32_t>(count) << kCountShift) | (kErtStartDpu << kOpcodeShift));
    words.push_back(c.cu_mask);
    words.insert(words.end(), c.extra_cu_masks.begin(), c.extra_cu_masks.end());
    for (std::size_t i = 0; i < c.dpu.size(); ++i) {
        DpuData d = c.dpu[i];
        d.chained = static_cast<std::uint16_t>(c.dpu.size() - 1 - i);
        std::uint32_t w[kDpuWords];
        std::memcpy(w, &d, sizeof d);
        words.insert(words.end(), w, w + kDpuWords);
    }
    words.insert(words.end(), c.payload.begin(), c.payload.end());
    return words;
}

StartDpuDecode decode_start_dpu(const std::vector<std::uint32_t>& words) {
    StartDpuDecode r;
    auto fail = [&](std::string why) {
        r.error = std::move(why);
        return r;
    };
    if (words.empty()) {
        return fail("empty command buffer");
    }
    const std::uint32_t h = words[0];
    const std::uint32_t opcode = (h >> kOpcodeShift) & kOpcodeMask;
    if (opcode != kErtStartDpu) {
        return fail("ERT opcode " + std::to_string(opcode) + " is not START_DPU (18)");
    }
    const std::size_t count = (h >> kCountShift) & kCountMask;
    const std::size_t extra = (h >> kExtraCuMasksShift) & kExtraCuMasksMask;
    if (count + 1 > words.size()) {
        return fail("header count " + std::to_string(count) + " but " +
                    std::to_string(words.size() - 1) + " words follow");
    }
    if (count < 1 + extra + kDpuWords) {
        return fail("header count " + std::to_string(count) + " leaves no room for the " +
                    std::to_string(extra + 1) + " cu mask(s) and an ert_dpu_data");
    }
    r.command.cu_mask = words[1];
    r.command.extra_cu_masks.assign(words.begin() + 2,
                                    words.begin() + 2 + static_cast<std::ptrdiff_t>(extra));
    std::size_t at = 2 + extra;
    for (;;) {
        if (at + kDpuWords > count + 1) {
            return fail("ert_dpu_data " + std::to_string(r.command.dpu.size()) +
                        " runs past the header count");
        }
        DpuData d{};
        std::memcpy(&d, words.data() + at, sizeof d);
        at += kDpuWords;
        if (!r.command.dpu.empty() && d.chained + 1 != r.command.dpu.back().chained) {
            return fail("ert_dpu_data " + std::to_string(r.command.dpu.size()) + " says " +
                        std::to_string(d.chained) + " entries follow, the one before said " +
                        std::to_string(r.command.dpu.back().chained));
        }
        r.command.dpu.push_back(d);
        if (r.command.dpu.size() > kMaxIndirectEntries) {
            return fail("more than " + std::to_string(kMaxIndirectEntries) + " ert_dpu_data");
        }
        if (d.chained == 0) {
            break;
        }
    }
    r.command.payload.assign(words.begin() + static_cast<std::ptrdiff_t>(at),
                             words.begin() + static_cast<std::ptrdiff_t>(count + 1));
    r.ok = true;
    return r;
}

Command command_from_start_dpu(const StartDpu& c, std::uint64_t command_bo) {
    Command cmd;
    cmd.completion_signal = command_bo;
    cmd.indirect = c.dpu.size() > 1;
    for (const DpuData& d : c.dpu) {
        UcCommand uc;
        uc.uc_index = d.uc_index;
        uc.control_code = d.instruction_buffer;
        uc.dtrace = d.dtrace_buffer;
        cmd.ucs.push_back(uc);
    }
    return cmd;
}

} // namespace aie4sim::hq
