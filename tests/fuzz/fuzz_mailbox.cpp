// The management mailbox's message parser: whatever the host writes into the x2i ring and its
// head/tail registers, the firmware side takes well-framed messages to its handler, drops the
// rest (with an error reply where there is an id), and keeps running. One mailbox lives for
// the whole fuzzing run, reset and republished before each input; a host thread drains i2x.
//
// Input: the x2i head and tail register values, then the ring's bytes (zero-padded).
#include "common/log.h"
#include "common/tlm/transaction.h"
#include "models/device_config.h"
#include "models/firmware/mailbox.h"
#include "models/firmware/mgmt_protocol.h"
#include "models/sparse_memory.h"
#include "pcie/function.h"
#include "tests/fuzz/fuzz_input.h"

#include <cstdlib>
#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

using namespace aie4sim;
namespace mgmt = aie4sim::models::mgmt;
using aie4sim::fuzz::invariant_broken;

// libsystemc calls sc_main from its own main(); libFuzzer brings the main here.
int sc_main(int /*argc*/, char* /*argv*/[]) {
    return 0;
}

namespace {

const models::MailboxLayout kLayout{};

// The host's side of the register window, and a thread that consumes every reply.
struct Host : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Host> registers{"registers"};
    SC_HAS_PROCESS(Host);
    explicit Host(const sc_core::sc_module_name& name) : sc_module(name) { SC_THREAD(drain); }

    std::uint32_t access(bool write, std::uint32_t offset, std::uint32_t value) {
        sc_core::sc_time delay;
        tlm_util::Transaction(write, offset, &value, 4).send(registers, delay);
        return value;
    }
    void drain() {
        for (;;) {
            wait(sc_core::sc_time(10, sc_core::SC_US));
            access(true, kLayout.i2x_head_register, access(false, kLayout.i2x_tail_register, 0));
        }
    }
};

struct Rig {
    models::DeviceConfig config = models::default_device_config();
    pcie::Function function{"pf", config.pf, pcie::FunctionKind::physical, 0};
    models::SparseMemory sram{"sram", models::layout::kSramSize};
    models::Mailbox mailbox{"mailbox", function, sram, kLayout,
                            sc_core::sc_time(100, sc_core::SC_NS)};
    Host host{"host"};
    std::uint64_t handled = 0;

    Rig() {
        host.registers.bind(mailbox.registers);
        mailbox.set_handler([this](const models::MailboxRequest& r) -> models::MailboxReply {
            // What reaches the handler was framed soundly: a payload of total_size bytes.
            if (r.payload.size() != r.header.total_size || r.payload.empty() ||
                r.payload.size() > kLayout.x2i_size) {
                invariant_broken();
            }
            ++handled;
            if (r.header.opcode == mgmt::kAsyncEvent) {
                return std::nullopt;
            }
            const mgmt::OpcodeInfo* info = mgmt::find_opcode(r.header.opcode);
            std::vector<std::uint8_t> reply(
                info != nullptr ? info->reply_size : mgmt::kDefaultReplySize, 0);
            reply[0] = mgmt::kNotSupported;
            (void)mgmt::opcode_name(r.header.opcode);
            return reply;
        });
    }
};

Rig* rig = nullptr;

} // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    common::log_configure("off");
    rig = new Rig(); // lives as long as the SystemC kernel that holds its processes
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    return 0;
}

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    aie4sim::fuzz::FuzzInput in(data, size);
    const auto head = in.take<std::uint32_t>();
    const auto tail = in.take<std::uint32_t>();
    std::vector<std::uint8_t> ring = in.take_bytes(kLayout.x2i_size);
    ring.resize(kLayout.x2i_size, 0);

    rig->mailbox.reset();
    rig->sram.write(kLayout.x2i_ring, ring.data(), ring.size());
    rig->host.access(true, kLayout.x2i_head_register, head);
    rig->host.access(true, kLayout.x2i_tail_register, tail);
    rig->mailbox.publish(7, 0);
    // Enough simulated time for a ring full of the smallest messages, one per 100 ns.
    sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_MS));
    if (rig->host.access(false, kLayout.x2i_head_register, 0) !=
        rig->host.access(false, kLayout.x2i_tail_register, 0)) {
        invariant_broken(); // the mailbox stopped taking messages with some still there
    }
    return 0;
}
