#pragma once
// What the device's firmware and command processor tell an observer (a timeline recorder, a
// test) as they work. Components call it only when one is attached (a null pointer otherwise),
// at the current simulated time; `function` is 0 for the PF and n for VF n.

#include <cstdint>
#include <string_view>

namespace aie4sim::models {

class DeviceObserver {
public:
    virtual ~DeviceObserver() = default;
    // Command processor. A context's doorbell rang; a command was taken off its queue
    // (`index`, with the queue's write_index then); it entered a phase of its execution
    // ("columns": waiting for them, "context switch", "run" on the array); it completed.
    virtual void doorbell(unsigned function, std::uint32_t context) = 0;
    virtual void command_fetched(unsigned function, std::uint32_t context, std::uint64_t index,
                                 std::uint64_t write_index) = 0;
    virtual void command_phase(unsigned function, std::uint32_t context,
                               std::string_view phase) = 0;
    virtual void command_done(unsigned function, std::uint32_t context, std::uint64_t index,
                              bool ok, std::string_view status, std::uint64_t cycles) = 0;
    // Array columns [first, first + count) granted to a context's command (`switched`: they
    // last ran another context and are cleared first), and released.
    virtual void columns_granted(unsigned first, unsigned count, unsigned function,
                                 std::uint32_t context, bool switched) = 0;
    virtual void columns_released(unsigned first, unsigned count) = 0;

    // Firmware mailbox: a message taken off a function's x2i ring; its handling ended (`status`
    // of the reply, `replied` false when none was sent); the mailbox was published (boot, FLR
    // recovery).
    virtual void message_begin(unsigned function, std::uint32_t opcode, std::string_view name) = 0;
    virtual void message_end(unsigned function, bool replied, std::uint32_t status) = 0;
    virtual void mailbox_published(unsigned function) = 0;
};

} // namespace aie4sim::models
