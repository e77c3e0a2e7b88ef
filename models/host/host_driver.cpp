#include "models/host/host_driver.h"

#include "common/log.h"
#include "models/firmware/psp.h"
#include "models/firmware/smu.h"
#include "pcie/config_regs.h"
#include "pcie/express_capability.h"
#include "pcie/msix.h"
#include "sriov/endpoint.h"
#include "sriov/sriov_capability.h"

#include <cstring>
#include <sstream>

namespace aie4sim::models::host {

namespace {
constexpr const char* kLog = "host";
namespace reg = aie4sim::pcie::reg;
namespace cap = aie4sim::sriov::cap;

// How often the host polls a register it waits on.
sc_core::sc_time poll_interval() {
    return {10, sc_core::SC_US};
}

std::string name_of(unsigned f) {
    return f == 0 ? "PF" : "VF" + std::to_string(f);
}

template <class T> T read_at(const std::vector<std::uint8_t>& v, std::size_t at) {
    T out{};
    std::memcpy(&out, v.data() + at, sizeof out);
    return out;
}
} // namespace

HostDriver::HostDriver(const sc_core::sc_module_name& name, HostSystem& host,
                       const DeviceConfig& device)
    : sc_core::sc_module(name), pci_("pci", device), config(pci_.config), mem(pci_.mem),
      host_(host) {}

std::uint32_t HostDriver::cfg_read(unsigned function, std::uint16_t offset, unsigned size) {
    return pci_.cfg_read(function, offset, size);
}

void HostDriver::cfg_write(unsigned function, std::uint16_t offset, unsigned size,
                           std::uint32_t value) {
    pci_.cfg_write(function, offset, size, value);
}

std::uint32_t HostDriver::read32(std::uint64_t address) {
    return pci_.read32(address);
}

void HostDriver::write32(std::uint64_t address, std::uint32_t value) {
    pci_.write32(address, value);
}

std::uint64_t HostDriver::bar(unsigned function, unsigned index) const {
    return pci_.bar(function, index);
}

void HostDriver::enumerate() {
    pci_.enumerate();
}

void HostDriver::setup_msix(unsigned function) {
    const std::uint16_t msix = pci_.find_capability(function, reg::kCapMsix);
    if (msix == 0) {
        throw DriverError(name_of(function) + ": no MSI-X capability");
    }
    const unsigned vectors = (cfg_read(function, msix + 2, 2) & 0x7FF) + 1;
    const std::uint32_t table = cfg_read(function, msix + 4);
    const std::uint64_t base = bar(function, table & 7) + (table & ~7u);
    for (unsigned v = 0; v < vectors; ++v) {
        write32(base + 16ULL * v, static_cast<std::uint32_t>(kMsiAddress));
        write32(base + 16ULL * v + 4, 0);
        write32(base + 16ULL * v + 8, msi_data(function, v));
        write32(base + 16ULL * v + 12, 0); // unmasked
    }
    cfg_write(function, msix + 2, 2, pcie::msix::kEnable);
}

std::uint32_t HostDriver::smu(std::uint32_t command) {
    const std::uint64_t base = bar(0, 5);
    write32(base + smu::kResponse, 0);
    write32(base + smu::kArgument, 0);
    write32(base + smu::kCommand, command);
    write32(base + smu::kInterrupt, 0);
    write32(base + smu::kInterrupt, 1);
    for (sc_core::sc_time waited; waited < sc_core::sc_time(1, sc_core::SC_SEC);
         waited += poll_interval()) {
        if (const std::uint32_t resp = read32(base + smu::kResponse); resp != 0) {
            return resp;
        }
        wait(poll_interval());
    }
    throw DriverError("smu cmd " + std::to_string(command) + " timed out");
}

std::uint32_t HostDriver::psp(std::uint32_t command, std::uint64_t address, std::uint32_t arg2) {
    const std::uint64_t base = bar(0, 4);
    auto wait_ready = [&] {
        for (sc_core::sc_time waited; waited < sc_core::sc_time(1, sc_core::SC_SEC);
             waited += poll_interval()) {
            if ((read32(base + psp::kCommandStatus) & psp::kReady) != 0) {
                return;
            }
            wait(poll_interval());
        }
        throw DriverError("PSP is not ready");
    };
    wait_ready();
    write32(base + psp::kCommandStatus, command);
    write32(base + psp::kArg0Response, static_cast<std::uint32_t>(address));
    write32(base + psp::kArg1, static_cast<std::uint32_t>(address >> 32));
    write32(base + psp::kCommandStatus, (command << 24) | arg2);
    write32(base + psp::kDoorbell, 0);
    write32(base + psp::kDoorbell, psp::kKick);
    wait_ready();
    return read32(base + psp::kArg0Response);
}

void HostDriver::put_image(std::uint64_t address, const char* magic, std::uint32_t size) {
    // The project's image format (scripts/guest/make-firmware.sh): magic, version, size.
    std::vector<std::uint8_t> image(size, 0);
    std::memcpy(image.data(), magic, std::strlen(magic));
    const std::uint32_t version = 1;
    std::memcpy(image.data() + 16, &version, 4);
    std::memcpy(image.data() + 20, &size, 4);
    for (std::uint32_t i = 24; i < size; ++i) {
        image[i] = static_cast<std::uint8_t>(i * 131u);
    }
    host_.memory().write(address, image.data(), size);
}

void HostDriver::start_channel(unsigned function) {
    const std::uint64_t sram = bar(function, 2);
    bool valid = false;
    for (sc_core::sc_time waited; waited < sc_core::sc_time(1, sc_core::SC_SEC);
         waited += poll_interval()) {
        if (read32(sram + mgmt::info::kValid) == 1) {
            valid = true;
            break;
        }
        wait(poll_interval());
    }
    if (!valid) {
        throw DriverError(name_of(function) + ": fw_is_valid=0 after 1000 ms");
    }
    Channel& c = channels_[function];
    c = Channel{};
    for (unsigned w = 0; w < 16; ++w) {
        c.info[w] = read32(sram + 4ULL * w);
    }
    if (c.info[1] != 5 || c.info[2] < 10) {
        throw DriverError(name_of(function) + ": mailbox major.minor " + std::to_string(c.info[1]) +
                          "." + std::to_string(c.info[2]) + " is not supported");
    }
    const std::uint64_t regs = bar(function, 0);
    c.x2i_tail = read32(regs + c.info[3]);
    c.i2x_head = read32(regs + c.info[8]);
    c.irqs_seen = host_.interrupts(function, c.info[11]);
}

void HostDriver::probe_pf() {
    setup_msix(0);
    if (smu(4) != 1 || smu(3) != 1) {
        throw DriverError("Power on failed");
    }
    put_image(kFirmwareImage, "AIE4SIM-NPU-FW", 128u << 10);
    put_image(kCertificateImage, "AIE4SIM-CERT", 8u << 10);
    if (psp(psp::kValidate, kFirmwareImage, 128u << 10) != 0 ||
        psp(psp::kValidateCert, kCertificateImage, 32u << 10) != 0 || psp(psp::kStart, 1, 0) != 0) {
        throw DriverError("failed to start psp");
    }
    start_channel(0);
    std::vector<std::uint8_t> attach(16, 0);
    const std::uint64_t address = kWorkBuffer;
    const std::uint32_t size = 4u << 20;
    std::memcpy(attach.data(), &address, 8);
    std::memcpy(attach.data() + 12, &size, 4);
    if (call(0, mgmt::kAttachWorkBuffer, attach, 4).status != 0) {
        throw DriverError("Failed to attach work buffer");
    }
    AIE4SIM_LOG(info, kLog, "PF probed");
}

void HostDriver::enable_vfs(unsigned count) {
    std::vector<std::uint8_t> n(4, 0);
    std::memcpy(n.data(), &count, 4);
    if (call(0, mgmt::kCreateVfs, n, 4).status != 0) {
        throw DriverError("create vfs op failed");
    }
    cfg_write(0, pci_.sriov_offset() + cap::kNumVfs, 2, count);
    cfg_write(0, pci_.sriov_offset() + cap::kControl, 2, cap::kCtlVfEnable | cap::kCtlVfMse);
    vfs_ = count;
    for (unsigned vf = 1; vf <= count; ++vf) {
        cfg_write(vf, reg::kCommand, 2, reg::kCommandBusMaster);
        setup_msix(vf);
        start_channel(vf);
        const MailboxReplyMessage info =
            call(vf, mgmt::kAieTileInfo, std::vector<std::uint8_t>(4, 0), 48);
        if (info.status != 0) {
            throw DriverError(name_of(vf) + ": AIE_TILE_INFO failed");
        }
        // A partition over every column the VF sees, so that a context may use all its tiles
        // (the configuration decides the array's width and the VF's slice of it).
        std::vector<std::uint8_t> req(8, 0);
        const std::uint32_t cols = read_at<std::uint16_t>(info.payload, 12);
        std::memcpy(req.data() + 4, &cols, 4);
        const MailboxReplyMessage p = call(vf, mgmt::kCreatePartition, req, 8);
        if (p.status != 0 || read_at<std::uint32_t>(p.payload, 4) == 0) {
            throw DriverError(name_of(vf) + ": partition init failed");
        }
        partitions_[vf] = read_at<std::uint32_t>(p.payload, 4);
    }
    AIE4SIM_LOG(info, kLog, count << " VFs enabled and probed");
}

void HostDriver::disable_vfs() {
    for (unsigned vf = 1; vf <= vfs_; ++vf) {
        std::vector<std::uint8_t> id(4, 0);
        std::memcpy(id.data(), &partitions_[vf], 4);
        call(vf, mgmt::kDestroyPartition, id, 4);
        partitions_.erase(vf);
        channels_.erase(vf);
    }
    cfg_write(0, pci_.sriov_offset() + cap::kControl, 2, 0);
    call(0, mgmt::kDestroyVfs, std::vector<std::uint8_t>(4, 0), 4);
    vfs_ = 0;
}

void HostDriver::send_raw(unsigned function, const std::vector<std::uint8_t>& message) {
    Channel& c = channels_.at(function);
    const std::uint64_t ring = bar(function, 2) + c.info[5];
    const std::uint32_t size = c.info[6];
    if (c.x2i_tail + message.size() > size - 4) {
        write32(ring + c.x2i_tail, mgmt::kTombstone);
        c.x2i_tail = 0;
    }
    for (std::size_t i = 0; i < message.size(); i += 4) {
        std::uint32_t word = 0;
        std::memcpy(&word, message.data() + i, std::min<std::size_t>(4, message.size() - i));
        write32(ring + c.x2i_tail + i, word);
    }
    c.x2i_tail += static_cast<std::uint32_t>((message.size() + 3) & ~std::size_t{3});
    write32(bar(function, 0) + c.info[3], c.x2i_tail);
}

void HostDriver::drain(unsigned function) {
    Channel& c = channels_.at(function);
    const std::uint64_t ring = bar(function, 2) + c.info[9];
    const std::uint32_t size = c.info[10];
    const std::uint32_t tail = read32(bar(function, 0) + c.info[7]);
    if (tail > size || (tail & 3) != 0) {
        throw DriverError(name_of(function) + ": Invalid tail 0x" + std::to_string(tail));
    }
    while (c.i2x_head != tail) {
        if (c.i2x_head == size) {
            c.i2x_head = 0;
            continue;
        }
        const std::uint32_t first = read32(ring + c.i2x_head);
        if (first == mgmt::kTombstone) {
            if (c.i2x_head < tail) {
                throw DriverError(name_of(function) + ": Tombstone, head before tail");
            }
            c.i2x_head = 0;
            write32(bar(function, 0) + c.info[8], 0);
            continue;
        }
        if (first == 0 || (first & 3) != 0 || mgmt::kHeaderSize + first > size - c.i2x_head) {
            throw DriverError(name_of(function) + ": Invalid total size");
        }
        const std::uint32_t id = read32(ring + c.i2x_head + 8);
        MailboxReplyMessage m;
        m.payload.resize(first);
        for (std::uint32_t i = 0; i < first; i += 4) {
            const std::uint32_t w = read32(ring + c.i2x_head + mgmt::kHeaderSize + i);
            std::memcpy(m.payload.data() + i, &w, 4);
        }
        m.status = read_at<std::uint32_t>(m.payload, 0);
        if ((id & mgmt::kIdMagicMask) != mgmt::kIdMagic) {
            throw DriverError(name_of(function) + ": Bad message ID");
        }
        c.replies[id] = std::move(m);
        c.i2x_head += mgmt::kHeaderSize + first;
        write32(bar(function, 0) + c.info[8], c.i2x_head);
    }
}

std::optional<MailboxReplyMessage> HostDriver::await_reply(unsigned function, std::uint32_t id,
                                                           sc_core::sc_time timeout) {
    Channel& c = channels_.at(function);
    const sc_core::sc_time deadline = sc_core::sc_time_stamp() + timeout;
    for (;;) {
        auto it = c.replies.find(id);
        if (it != c.replies.end()) {
            MailboxReplyMessage m = std::move(it->second);
            c.replies.erase(it);
            return m;
        }
        const sc_core::sc_time now = sc_core::sc_time_stamp();
        if (now >= deadline ||
            !host_.wait_interrupt(function, c.info[11], c.irqs_seen, deadline - now)) {
            return std::nullopt;
        }
        c.irqs_seen = host_.interrupts(function, c.info[11]);
        drain(function);
    }
}

MailboxReplyMessage HostDriver::call(unsigned function, std::uint32_t opcode,
                                     const std::vector<std::uint8_t>& payload,
                                     std::uint32_t reply_size) {
    Channel& c = channels_.at(function);
    const std::uint32_t id = mgmt::kIdMagic | (c.next_slot++ & 0xFF);
    std::vector<std::uint8_t> message(mgmt::kHeaderSize + payload.size());
    mgmt::Header h;
    h.total_size = static_cast<std::uint32_t>(payload.size());
    h.sz_ver = (h.total_size & 0x7FF) | 0x10000;
    h.id = id;
    h.opcode = opcode;
    std::memcpy(message.data(), &h, sizeof h);
    std::memcpy(message.data() + sizeof h, payload.data(), payload.size());
    send_raw(function, message);
    auto reply = await_reply(function, id, sc_core::sc_time(5, sc_core::SC_SEC));
    if (!reply) {
        throw DriverError(name_of(function) + ": Wait for completion timeout (" +
                          mgmt::opcode_name(opcode) + ")");
    }
    if (reply->payload.size() != reply_size) {
        throw DriverError(name_of(function) + ": " + mgmt::opcode_name(opcode) + " reply of " +
                          std::to_string(reply->payload.size()) + " bytes, expected " +
                          std::to_string(reply_size));
    }
    return *reply;
}

ContextHandle HostDriver::create_context(unsigned vf, std::uint32_t num_tiles, std::uint64_t queue,
                                         std::uint32_t priority) {
    std::vector<std::uint8_t> req(24, 0);
    const std::uint32_t words[6] = {partitions_.at(vf),
                                    num_tiles,
                                    static_cast<std::uint32_t>(queue >> 32),
                                    static_cast<std::uint32_t>(queue),
                                    0x800FFFFF,
                                    priority};
    std::memcpy(req.data(), words, sizeof words);
    const MailboxReplyMessage r = call(vf, mgmt::kCreateHwContext, req, 16);
    if (r.status != 0) {
        throw DriverError("VF" + std::to_string(vf) + ": CREATE_HW_CONTEXT failed");
    }
    ContextHandle c;
    c.function = vf;
    c.id = read_at<std::uint32_t>(r.payload, 4);
    c.doorbell = read_at<std::uint32_t>(r.payload, 8);
    c.msix = read_at<std::uint32_t>(r.payload, 12);
    c.queue = queue;
    return c;
}

void HostDriver::destroy_context(const ContextHandle& context) {
    std::vector<std::uint8_t> req(8, 0);
    std::memcpy(req.data(), &context.id, 4);
    call(context.function, mgmt::kDestroyHwContext, req, 4);
}

HostDriver::ArrayView HostDriver::array_view(unsigned vf) {
    const MailboxReplyMessage r = call(vf, mgmt::kAieTileInfo, std::vector<std::uint8_t>(4, 0), 48);
    auto u16 = [&](std::size_t at) { return read_at<std::uint16_t>(r.payload, at); };
    return ArrayView{u16(12), u16(14), u16(16), u16(18)};
}

QueueHandle open_queue(HostDriver& driver, unsigned vf, std::uint32_t num_tiles, std::uint64_t base,
                       std::uint32_t capacity) {
    QueueHandle q;
    q.layout.base = base;
    q.layout.capacity = capacity;
    const hq::Header header = hq::make_header(q.layout);
    driver.host().memory().write(base, &header, sizeof header);
    q.context = driver.create_context(vf, num_tiles, base);
    q.irqs_seen = driver.host().interrupts(vf, q.context.msix);
    return q;
}

std::uint64_t submit(HostDriver& driver, QueueHandle& q, const hq::Command& command) {
    const std::uint64_t seq = q.write_index;
    for (const hq::MemoryWrite& w : hq::encode_command(q.layout, seq, command)) {
        driver.host().memory().write(w.address, w.bytes.data(), w.bytes.size());
    }
    q.write_index = seq + 1;
    driver.host().memory().write(q.layout.base + hq::kWriteIndexOffset, &q.write_index, 8);
    driver.write32(driver.bar(q.context.function, 2) + q.context.doorbell, 0);
    return seq;
}

bool wait_for(HostDriver& driver, QueueHandle& q, std::uint64_t seq, sc_core::sc_time timeout) {
    const sc_core::sc_time deadline = sc_core::sc_time_stamp() + timeout;
    for (;;) {
        std::uint64_t read_index = 0;
        driver.host().memory().read(q.layout.base, &read_index, 8);
        if (read_index > seq) {
            return true;
        }
        const sc_core::sc_time now = sc_core::sc_time_stamp();
        if (now >= deadline || !driver.host().wait_interrupt(q.context.function, q.context.msix,
                                                             q.irqs_seen, deadline - now)) {
            return false;
        }
        q.irqs_seen = driver.host().interrupts(q.context.function, q.context.msix);
    }
}

} // namespace aie4sim::models::host
