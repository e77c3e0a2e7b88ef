#pragma once
// One QEMU connected to the model: the host QEMU (PF and the VFs it keeps) or a guest QEMU
// attached to one VF (protocol 1.2, ATTACH). Each has its own link, rings, guest RAM and
// requests the model is still to serve.

#include "cosim/protocol/guest_ram.h"
#include "cosim/protocol/link.h"

#include <chrono>
#include <deque>
#include <memory>
#include <string>

namespace aie4sim::cosim {

struct Peer {
    enum class Role {
        undecided, // said HELLO, nothing else yet: ATTACH makes it a guest, anything else host
        host,
        guest,
    };
    std::uint64_t number = 0; // connection number, for logs and tests
    std::unique_ptr<Link> link;
    std::string name; // what the peer calls itself in HELLO
    bool said_hello = false;
    std::chrono::steady_clock::time_point hello_deadline{};
    // After SHM_OFFER, QEMU sends GUEST_RAM: its ring is not read before it (or the deadline),
    // so that the first DMA already goes straight into its RAM.
    bool awaiting_ram = false;
    std::chrono::steady_clock::time_point ram_deadline{};
    Role role = Role::undecided;
    unsigned vf = 0;         // a guest's VF (1-based), 0 while it holds none
    bool vf_present = false; // a guest's VF existed when last looked at (for NOTICEs)
    std::unique_ptr<GuestRam> guest_ram;
    std::deque<Message> deferred; // its requests that came while the model awaited a reply
    bool goodbye = false;         // it left saying GOODBYE
};

} // namespace aie4sim::cosim
