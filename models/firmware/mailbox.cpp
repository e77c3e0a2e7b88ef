#include "models/firmware/mailbox.h"

#include "common/log.h"

#include <cstring>

namespace aie4sim::models {

namespace {
constexpr const char* kLog = "mailbox";
}

Mailbox::Mailbox(const sc_core::sc_module_name& name, pcie::Function& function, SparseMemory& sram,
                 const MailboxLayout& layout, sc_core::sc_time per_message)
    : sc_core::sc_module(name), registers("registers"), function_(function), sram_(sram),
      layout_(layout), per_message_(per_message) {
    registers.register_b_transport(this, &Mailbox::register_transport);
    SC_THREAD(run);
}

std::optional<Mailbox::Reg> Mailbox::register_at(std::uint64_t offset) const {
    if (offset == layout_.x2i_tail_register) {
        return x2i_tail;
    }
    if (offset == layout_.x2i_head_register) {
        return x2i_head;
    }
    if (offset == layout_.i2x_tail_register) {
        return i2x_tail;
    }
    if (offset == layout_.i2x_head_register) {
        return i2x_head;
    }
    return std::nullopt;
}

void Mailbox::register_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& /*delay*/) {
    const auto reg = register_at(trans.get_address());
    if (trans.get_data_length() != 4 || !reg) {
        // Other offsets in the window are reserved: read as 0, writes ignored.
        if (trans.is_read()) {
            std::memset(trans.get_data_ptr(), 0, trans.get_data_length());
        }
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    if (trans.is_read()) {
        std::memcpy(trans.get_data_ptr(), &regs_[*reg], 4);
    } else {
        std::memcpy(&regs_[*reg], trans.get_data_ptr(), 4);
        if (*reg == x2i_tail) {
            x2i_written_.notify(sc_core::SC_ZERO_TIME);
        } else if (*reg == i2x_head) {
            i2x_consumed_.notify(sc_core::SC_ZERO_TIME);
        }
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

void Mailbox::publish(std::uint32_t major, std::uint32_t minor) {
    using namespace mgmt::info;
    sram_.write32(kProtocolMajor, major);
    sram_.write32(kProtocolMinor, minor);
    sram_.write32(kX2iTailOffset, layout_.x2i_tail_register);
    sram_.write32(kX2iHeadOffset, layout_.x2i_head_register);
    sram_.write32(kX2iBufferAddr, layout_.x2i_ring);
    sram_.write32(kX2iBufferSize, layout_.x2i_size);
    sram_.write32(kI2xTailOffset, layout_.i2x_tail_register);
    sram_.write32(kI2xHeadOffset, layout_.i2x_head_register);
    sram_.write32(kI2xBufferAddr, layout_.i2x_ring);
    sram_.write32(kI2xBufferSize, layout_.i2x_size);
    sram_.write32(kI2xMsiIdx, layout_.msi_vector);
    sram_.write32(kValid, 1); // last: the driver reads the rest once it sees valid
    published_ = true;
    if (observer_ != nullptr) {
        observer_->mailbox_published(function_.index());
    }
    AIE4SIM_LOG(info, kLog,
                function_.name() << ": mailbox_info published (protocol " << major << "." << minor
                                 << ", valid = 1)");
    x2i_written_.notify(sc_core::SC_ZERO_TIME);
}

void Mailbox::withdraw() {
    sram_.write32(mgmt::info::kValid, 0);
    if (published_) {
        AIE4SIM_LOG(info, kLog, function_.name() << ": mailbox withdrawn (valid = 0)");
    }
    published_ = false;
}

void Mailbox::reset() {
    withdraw();
    std::memset(regs_, 0, sizeof regs_);
    std::vector<std::uint8_t> zeros(std::max(layout_.x2i_size, layout_.i2x_size), 0);
    sram_.write(layout_.x2i_ring, zeros.data(), layout_.x2i_size);
    sram_.write(layout_.i2x_ring, zeros.data(), layout_.i2x_size);
}

std::optional<MailboxRequest> Mailbox::take() {
    const std::uint32_t size = layout_.x2i_size;
    for (;;) {
        std::uint32_t head = regs_[x2i_head];
        const std::uint32_t tail = regs_[x2i_tail];
        if (head == tail) {
            return std::nullopt;
        }
        auto drop_all = [&](const char* why) {
            ++counters_.malformed;
            AIE4SIM_LOG(error, kLog,
                        function_.name() << ": malformed message in the x2i ring (" << why
                                         << ", head 0x" << std::hex << head << " tail 0x" << tail
                                         << std::dec << "): dropped up to the tail");
            regs_[x2i_head] = tail;
        };
        if (head == size) {
            head = 0;
        }
        if (head > size - 4 || (head & 3) != 0 || tail > size || (tail & 3) != 0) {
            drop_all("pointer out of range");
            return std::nullopt;
        }
        const std::uint32_t first = sram_.read32(layout_.x2i_ring + head);
        if (first == mgmt::kTombstone) {
            // The host wrapped: its next message is at offset 0, and its tail is now behind
            // this head. A tombstone anywhere else (at offset 0, or with the tail ahead) would
            // send the head round the ring for ever.
            if (head == 0 || tail >= head) {
                drop_all("tombstone where the host cannot have wrapped");
                return std::nullopt;
            }
            regs_[x2i_head] = 0;
            continue;
        }
        if (head + mgmt::kHeaderSize > size) {
            drop_all("header crosses the end of the ring");
            return std::nullopt;
        }
        MailboxRequest r;
        sram_.read(layout_.x2i_ring + head, &r.header, sizeof r.header);
        const std::uint32_t total = r.header.total_size;
        // 64-bit sums: a total_size near 2^32 must not wrap past these checks (it would then
        // size the payload buffer).
        const std::uint64_t end = std::uint64_t{head} + mgmt::kHeaderSize + total;
        const bool ordered = tail > head ? end <= tail : true;
        if (total == 0 || (total & 3) != 0 || end > size || !ordered) {
            drop_all("bad total_size");
            reply_malformed(r.header);
            return std::nullopt;
        }
        r.payload.resize(total);
        sram_.read(layout_.x2i_ring + head + mgmt::kHeaderSize, r.payload.data(), total);
        // Consumed: the host may reuse the space at once (it waits only 100 us for room).
        regs_[x2i_head] = head + mgmt::kHeaderSize + total;
        return r;
    }
}

void Mailbox::reply_malformed(const mgmt::Header& request) {
    if ((request.id & mgmt::kIdMagicMask) != mgmt::kIdMagic) {
        return; // no id to answer to
    }
    const mgmt::OpcodeInfo* info = mgmt::find_opcode(request.opcode);
    std::vector<std::uint8_t> payload(info != nullptr ? info->reply_size : mgmt::kDefaultReplySize,
                                      0);
    const std::uint32_t status = mgmt::kError;
    std::memcpy(payload.data(), &status, 4);
    send_reply(request, payload);
}

void Mailbox::send_reply(const mgmt::Header& request, const std::vector<std::uint8_t>& payload) {
    const std::uint32_t size = layout_.i2x_size;
    const auto message = static_cast<std::uint32_t>(mgmt::kHeaderSize + payload.size());
    mgmt::Header h;
    h.total_size = static_cast<std::uint32_t>(payload.size());
    h.sz_ver = (h.total_size & 0x7FF) | 0x10000;
    h.id = request.id;
    h.opcode = request.opcode;
    const sc_core::sc_time give_up =
        sc_core::sc_time_stamp() + sc_core::sc_time(10, sc_core::SC_MS);
    for (;;) {
        std::uint32_t tail = regs_[i2x_tail];
        std::uint32_t head = regs_[i2x_head];
        if (head == size) {
            head = 0;
        }
        bool wrap = false;
        bool fits = false;
        if (tail >= head) {
            if (tail + message <= size - 4) {
                fits = true;
            } else if (message < head) { // strictly: a tail equal to the head reads as empty
                fits = true;
                wrap = true;
            }
        } else {
            fits = tail + message < head;
        }
        if (fits) {
            if (wrap) {
                sram_.write32(layout_.i2x_ring + tail, mgmt::kTombstone);
                tail = 0;
            }
            sram_.write(layout_.i2x_ring + tail, &h, sizeof h);
            if (!payload.empty()) {
                sram_.write(layout_.i2x_ring + tail + mgmt::kHeaderSize, payload.data(),
                            payload.size());
            }
            regs_[i2x_tail] = tail + message;
            ++counters_.replies;
            function_.signal_msix(layout_.msi_vector);
            return;
        }
        if (sc_core::sc_time_stamp() >= give_up) {
            ++counters_.dropped_replies;
            AIE4SIM_LOG(error, kLog,
                        function_.name() << ": the host does not drain the i2x ring; "
                                            "reply to "
                                         << mgmt::opcode_name(request.opcode) << " dropped");
            return;
        }
        wait(sc_core::sc_time(100, sc_core::SC_US), i2x_consumed_);
    }
}

void Mailbox::run() {
    for (;;) {
        std::optional<MailboxRequest> request = published_ ? take() : std::nullopt;
        if (!request) {
            wait(x2i_written_);
            continue;
        }
        ++counters_.requests;
        if (observer_ != nullptr) {
            observer_->message_begin(function_.index(), request->header.opcode,
                                     mgmt::opcode_name(request->header.opcode));
        }
        wait(per_message_);
        MailboxReply reply = handler_ ? handler_(*request) : MailboxReply{};
        const bool replied = reply && published_;
        if (replied) {
            send_reply(request->header, *reply);
        }
        if (observer_ != nullptr) {
            std::uint32_t status = 0;
            if (replied && reply->size() >= 4) {
                std::memcpy(&status, reply->data(), 4);
            }
            observer_->message_end(function_.index(), replied, status);
        }
    }
}

} // namespace aie4sim::models
