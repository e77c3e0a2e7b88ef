#pragma once
// Register offsets and bits of the configuration space, named after the PCI Local Bus and
// PCI Express Base Specifications (type-0 header, capability IDs, extended capability IDs).

#include <cstdint>

namespace aie4sim::pcie::reg {

// Type-0 header
inline constexpr std::uint16_t kVendorId = 0x00;
inline constexpr std::uint16_t kDeviceId = 0x02;
inline constexpr std::uint16_t kCommand = 0x04;
inline constexpr std::uint16_t kStatus = 0x06;
inline constexpr std::uint16_t kRevisionId = 0x08;
inline constexpr std::uint16_t kClassCode = 0x09; // 3 bytes: prog-if, subclass, base class
inline constexpr std::uint16_t kCacheLineSize = 0x0C;
inline constexpr std::uint16_t kLatencyTimer = 0x0D;
inline constexpr std::uint16_t kHeaderType = 0x0E;
inline constexpr std::uint16_t kBist = 0x0F;
inline constexpr std::uint16_t kBar0 = 0x10;
inline constexpr std::uint16_t kCardbusCis = 0x28;
inline constexpr std::uint16_t kSubsystemVendorId = 0x2C;
inline constexpr std::uint16_t kSubsystemId = 0x2E;
inline constexpr std::uint16_t kExpansionRom = 0x30;
inline constexpr std::uint16_t kCapabilitiesPointer = 0x34;
inline constexpr std::uint16_t kInterruptLine = 0x3C;
inline constexpr std::uint16_t kInterruptPin = 0x3D;
inline constexpr std::uint16_t kMinGnt = 0x3E;
inline constexpr std::uint16_t kMaxLat = 0x3F;
inline constexpr std::uint16_t kHeaderEnd = 0x40;
inline constexpr std::uint16_t kExtendedStart = 0x100;

// Command register bits
inline constexpr std::uint16_t kCommandIoSpace = 1u << 0;
inline constexpr std::uint16_t kCommandMemorySpace = 1u << 1;
inline constexpr std::uint16_t kCommandBusMaster = 1u << 2;
inline constexpr std::uint16_t kCommandParityErrorResponse = 1u << 6;
inline constexpr std::uint16_t kCommandSerrEnable = 1u << 8;
inline constexpr std::uint16_t kCommandInterruptDisable = 1u << 10;

// Status register bits
inline constexpr std::uint16_t kStatusInterrupt = 1u << 3;
inline constexpr std::uint16_t kStatusCapabilitiesList = 1u << 4;
inline constexpr std::uint16_t kStatusMasterDataParityError = 1u << 8;
inline constexpr std::uint16_t kStatusSignaledTargetAbort = 1u << 11;
inline constexpr std::uint16_t kStatusReceivedTargetAbort = 1u << 12;
inline constexpr std::uint16_t kStatusReceivedMasterAbort = 1u << 13;
inline constexpr std::uint16_t kStatusSignaledSystemError = 1u << 14;
inline constexpr std::uint16_t kStatusDetectedParityError = 1u << 15;

// BAR low bits
inline constexpr std::uint32_t kBarMemType64 = 0x4;
inline constexpr std::uint32_t kBarPrefetchable = 0x8;

// Capability IDs (PCI) and extended capability IDs (PCIe)
inline constexpr std::uint8_t kCapPowerManagement = 0x01;
inline constexpr std::uint8_t kCapExpress = 0x10;
inline constexpr std::uint8_t kCapMsix = 0x11;
inline constexpr std::uint16_t kExtCapAri = 0x000E;
inline constexpr std::uint16_t kExtCapSriov = 0x0010;

} // namespace aie4sim::pcie::reg
