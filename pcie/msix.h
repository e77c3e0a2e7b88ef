#pragma once
// MSI-X (capability ID 0x11): the capability's Message Control (Table Size, Function Mask,
// MSI-X Enable), the table (address, data and per-vector mask for each vector) and the
// Pending Bit Array, both inside one of the function's BARs. A vector signalled while masked
// sets its pending bit; the message is sent when the vector and the function are unmasked.

#include "pcie/capability_chain.h"
#include "pcie/function_config.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace aie4sim::pcie {

struct MsiMessage {
    std::uint64_t address = 0;
    std::uint32_t data = 0;
};

namespace msix {
inline constexpr unsigned kSize = 12;
inline constexpr std::uint16_t kMessageControl = 0x02;
inline constexpr std::uint16_t kFunctionMask = 1u << 14;
inline constexpr std::uint16_t kEnable = 1u << 15;
inline constexpr std::uint32_t kVectorMasked = 1u << 0;
} // namespace msix

class MsixController {
public:
    enum class Outcome { sent, pending, disabled, blocked, invalid_vector };
    // Sends a message upstream; false if the function may not (Bus Master Enable clear) or
    // the write failed.
    using Sender = std::function<bool(unsigned vector, const MsiMessage&)>;

    explicit MsixController(const MsixConfig& config);

    std::uint16_t install(CapabilityChain& chain, ConfigSpace& config);
    void set_sender(Sender sender) { sender_ = std::move(sender); }

    [[nodiscard]] unsigned vectors() const { return config_.vectors; }
    [[nodiscard]] bool covers(unsigned bar, std::uint64_t offset, unsigned size) const;
    // A memory access to the table or the PBA. Only aligned DWORD and QWORD accesses are
    // defined by the specification; anything else is refused (false) and changes nothing.
    bool access(bool write, unsigned bar, std::uint64_t offset, std::uint8_t* data, unsigned size);

    Outcome signal(unsigned vector);
    void reset();

    [[nodiscard]] bool enabled() const;
    [[nodiscard]] bool function_masked() const;
    [[nodiscard]] bool vector_masked(unsigned vector) const;
    [[nodiscard]] bool pending(unsigned vector) const;
    [[nodiscard]] MsiMessage message(unsigned vector) const;

private:
    bool in_table(unsigned bar, std::uint64_t offset, unsigned size) const;
    bool in_pba(unsigned bar, std::uint64_t offset, unsigned size) const;
    void deliver_pending();
    Outcome deliver(unsigned vector);
    void set_pending(unsigned vector, bool on);

    MsixConfig config_;
    ConfigSpace* space_ = nullptr;
    std::uint16_t cap_ = 0;
    std::vector<std::uint32_t> table_; // four DWORDs per vector
    std::vector<std::uint64_t> pba_;
    Sender sender_;
};

} // namespace aie4sim::pcie
