// The host-queue packet decoder, as the command processor runs it on what user space wrote:
// a 64-byte packet, host_indirect_data blocks it points at (nested levels included), and the
// START_DPU command BO an ERT submission carries. Input: the packet, then host memory that
// appears at kMemoryBase (reads elsewhere fail, as an unmapped address does). A decoded command
// must respect the format's limits; encoding it again must succeed.
#include "models/queue/ert_command.h"
#include "models/queue/host_queue.h"
#include "tests/fuzz/fuzz_input.h"

#include <cstring>
#include <set>
#include <stdexcept>

using namespace aie4sim::hq;
using aie4sim::fuzz::invariant_broken;

namespace {

constexpr std::uint64_t kMemoryBase = 0x10000;

void check_decoded(const DecodeResult& r) {
    if (!r.ok) {
        if (r.error.empty()) {
            invariant_broken(); // a refusal names its reason
        }
        return;
    }
    if (r.command.ucs.empty() || r.command.ucs.size() > kMaxUcs) {
        invariant_broken();
    }
    std::set<unsigned> seen;
    for (const UcCommand& uc : r.command.ucs) {
        if (!seen.insert(uc.uc_index).second || uc.control_code == 0) {
            invariant_broken(); // refused by contract: a uC named twice, or without code
        }
        (void)uc.exec_buf();
    }
    // What decodes also encodes, unless it has more uCs than one indirect level carries.
    if (r.command.ucs.size() <= kMaxIndirectEntries) {
        bool below_128 = true;
        for (const UcCommand& uc : r.command.ucs) {
            below_128 = below_128 && uc.uc_index < 128;
        }
        if (below_128) {
            (void)encode_command(QueueLayout{}, 0, r.command);
        }
    }
}

} // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    aie4sim::fuzz::FuzzInput in(data, size);
    const auto packet = in.take<Packet>();
    const std::vector<std::uint8_t> memory = in.rest();
    const MemoryReader read = [&memory](std::uint64_t address, void* out, std::size_t n) {
        if (address < kMemoryBase || address - kMemoryBase > memory.size() ||
            n > memory.size() - (address - kMemoryBase)) {
            return false;
        }
        std::memcpy(out, memory.data() + (address - kMemoryBase), n);
        return true;
    };
    (void)describe_packet(packet);
    check_decoded(decode_packet(packet, read));

    // The same memory as a command BO of 32-bit words.
    std::vector<std::uint32_t> words(memory.size() / 4);
    if (!words.empty()) {
        std::memcpy(words.data(), memory.data(), words.size() * 4);
    }
    const StartDpuDecode dpu = decode_start_dpu(words);
    if (dpu.ok) {
        const Command c = command_from_start_dpu(dpu.command, kMemoryBase);
        if (c.ucs.size() != dpu.command.dpu.size()) {
            invariant_broken();
        }
        try {
            (void)encode_start_dpu(dpu.command);
        } catch (const std::invalid_argument&) {
            invariant_broken(); // what decoded must fit the header's fields again
        }
    } else if (dpu.error.empty()) {
        invariant_broken();
    }
    return 0;
}
