#pragma once
// One way to build a blocking TLM-2.0 read or write, and one rule for its delay annotation
// (docs/architecture.md, "Timing annotations"):
//  - a target or an interconnect adds what its part of the access costs to `delay`; it never
//    resets it and never calls wait() for that cost;
//  - a forwarder (a router, a PCIe function, the array's shim path) passes the same `delay`
//    on and returns it to its caller, who accounts for it;
//  - the initiator, in an SC_THREAD, starts from SC_ZERO_TIME and waits the annotated delay
//    (and its own cost) before it acts on the result: send_and_wait().
//    An initiator that overlaps the path's delay with its own work (the shim DMA) uses send()
//    and waits the larger of the two itself. A sender that cannot wait (an MSI-X raised from
//    a method) uses send() and drops the annotation: the message is sent at the current time.
// No model keeps a tlm_quantumkeeper: time is decoupled only in the co-simulation bridge
// (docs/cosim-time.md), which owns how far SystemC advances.

#include <cstddef>
#include <cstdint>
#include <string>
#include <systemc>
#include <tlm>
#include <vector>

namespace aie4sim::tlm_util {

// A read or write of `length` bytes at `address`, from or into `data` (which must outlive
// it): no byte enables, streaming width = length, no DMI, response INCOMPLETE until a target
// answers. Extensions attached with with() belong to the caller; the transaction takes them
// off before it ends (a payload frees the extensions it still holds).
class Transaction {
public:
    Transaction(bool write, std::uint64_t address, void* data, std::size_t length);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Transaction(Transaction&&) = delete;
    Transaction& operator=(Transaction&&) = delete;

    template <typename Extension> Transaction& with(Extension& extension) {
        payload_.set_extension(&extension);
        attached_.push_back(Extension::ID);
        return *this;
    }

    // Sends it through `socket` and adds the path's annotation to `delay`.
    template <typename Socket> bool send(Socket& socket, sc_core::sc_time& delay) {
        socket->b_transport(payload_, delay);
        return ok();
    }
    // Sends it, then waits the path's annotation plus `own_cost` (an SC_THREAD initiator).
    template <typename Socket>
    bool send_and_wait(Socket& socket, sc_core::sc_time own_cost = sc_core::SC_ZERO_TIME) {
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        send(socket, delay);
        consume(delay + own_cost);
        return ok();
    }

    [[nodiscard]] bool ok() const { return payload_.is_response_ok(); }
    [[nodiscard]] std::string error() const { return payload_.get_response_string(); }
    [[nodiscard]] tlm::tlm_generic_payload& payload() { return payload_; }

private:
    static void consume(const sc_core::sc_time& delay);

    tlm::tlm_generic_payload payload_;
    std::vector<unsigned> attached_; // extension ids
};

// An extension on a transaction someone else built, for as long as a forwarder holds it:
// the previous one (or none) is back when it ends.
template <typename Extension> class ScopedExtension {
public:
    ScopedExtension(tlm::tlm_generic_payload& payload, Extension& extension)
        : payload_(payload), previous_(payload.set_extension(&extension)) {}
    ~ScopedExtension() { payload_.set_extension(Extension::ID, previous_); }
    ScopedExtension(const ScopedExtension&) = delete;
    ScopedExtension& operator=(const ScopedExtension&) = delete;
    ScopedExtension(ScopedExtension&&) = delete;
    ScopedExtension& operator=(ScopedExtension&&) = delete;

private:
    tlm::tlm_generic_payload& payload_;
    tlm::tlm_extension_base* previous_;
};

} // namespace aie4sim::tlm_util
