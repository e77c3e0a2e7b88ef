#pragma once
// What a PCIe function tells an observer about its interrupts: every MSI-X message it sends,
// and every signal that did not become one (masked: left pending; MSI-X disabled; blocked by
// Bus Master Enable or the host). Functions call it only when one is attached (a null pointer
// otherwise), at the current simulated time.

namespace aie4sim::pcie {

class InterruptObserver {
public:
    virtual ~InterruptObserver() = default;
    enum class Msix { sent, pending, disabled, blocked, invalid_vector };
    virtual void msix(unsigned function, unsigned vector, Msix what) = 0;
};

} // namespace aie4sim::pcie
