#include "aie_tiles/cert/uc.h"

#include "aie_tiles/format/bd_format.h"
#include "common/hex.h"
#include "common/log.h"

#include <algorithm>
#include <cstring>

namespace aie4sim::tiles::cert {

namespace {

using common::hex;

constexpr const char* kLog = "cert";
// Transfers the uC-DMA queue holds before UC_DMA_WRITE_DES blocks: our choice (not public).
constexpr std::size_t kDmaQueueDepth = 8;
constexpr unsigned kMaxChainDescriptors = 256;
constexpr std::uint32_t kMaxPages = 4096;
constexpr std::uint32_t kBdBytes = kBdWords * 4;

// Instructions the model does not emulate, and why (docs/control-code.md).
const char* refusal(Opcode op) {
    switch (op) {
    case Opcode::load_pdi:
    case Opcode::load_last_pdi:
        return "PDI loading is not emulated";
    case Opcode::load_cores:
    case Opcode::load_cores_cp:
        return "core ELF loading is not emulated (cores run built-in kernels, docs/kernels.md)";
    case Opcode::preempt:
        return "preemption is not emulated (a command runs to its end)";
    case Opcode::start_cond_job_preempt:
        return "preemption is not emulated, so jobs conditional on it cannot be scheduled";
    default:
        return nullptr;
    }
}

std::uint32_t word_at(const std::vector<std::uint8_t>& b, std::size_t at) {
    std::uint32_t v = 0;
    std::memcpy(&v, b.data() + at, 4);
    return v;
}

} // namespace

Uc::Uc(RunState& run, const UcTask& task, const HostRead& read)
    : run_(run), task_(task), read_(read) {}

void Uc::spend(std::uint64_t cycles) {
    if (cycles > 0) {
        sc_core::wait(run_.cycles(cycles));
    }
}

std::string Uc::where(const Instruction& ins) const {
    return "uC " + std::to_string(task_.column) + " page " + std::to_string(page_index_) +
           " byte " + std::to_string(ins.offset) + " (" + op_name(ins.opcode) + ")";
}

Uc::Step Uc::stop(Status status, const Instruction& ins, const std::string& why) {
    fail(status, ins, why);
    return Step::failed;
}

bool Uc::fail(Status status, const Instruction& ins, const std::string& why) {
    const std::string message = where(ins) + ": " + why;
    if (status == Status::refused) {
        AIE4SIM_LOG(error, kLog, message);
    }
    run_.fail(status, message);
    return false;
}

void Uc::main() {
    bool ok = load_page(0, 0);
    while (ok) {
        const std::uint32_t next = page_.header.in_order_page_len;
        // The next page is paged in while this one runs (CERT's ping-pong scheme).
        const sc_core::sc_time ready =
            sc_core::sc_time_stamp() +
            run_.cycles(ArrayContext::transfer_cycles(next, run_.timing().uc_page_bytes_per_cycle));
        ok = run_page();
        if (!ok || next == 0) {
            break;
        }
        state_ = State::loading;
        if (ready > sc_core::sc_time_stamp()) {
            sc_core::wait(ready - sc_core::sc_time_stamp());
        }
        if (page_index_ + 1u >= kMaxPages) {
            run_.fail(Status::format_error, "uC " + std::to_string(task_.column) + ": more than " +
                                                std::to_string(kMaxPages) + " pages");
            ok = false;
            break;
        }
        ok = load_page(static_cast<std::uint16_t>(page_index_ + 1), next);
    }
    if (ok) {
        finish_dma();
    }
    state_ = State::finished;
    run_.notify_changed();
    run_.check_deadlock();
}

bool Uc::load_page(std::uint16_t index, std::uint32_t length) {
    state_ = State::loading;
    const std::uint64_t address = task_.control_code + std::uint64_t{index} * kPageSize;
    const std::string page = "uC " + std::to_string(task_.column) + " page " +
                             std::to_string(index) + " at " + hex(address);
    const std::uint32_t rate = run_.timing().uc_page_bytes_per_cycle;
    if (length == 0) {
        // Page 0: its header says how much of it to fetch.
        std::uint8_t head[kPageHeaderSize] = {};
        if (!read_(address, head, sizeof head)) {
            run_.fail(Status::format_error, page + ": cannot read the page header");
            return false;
        }
        spend(ArrayContext::transfer_cycles(sizeof head, rate));
        length = std::clamp<std::uint32_t>(read_page_header(head).cur_page_len, kPageHeaderSize,
                                           kPageSize);
        bytes_.assign(length, 0);
        if (!read_(address, bytes_.data(), length)) {
            run_.fail(Status::format_error, page + ": cannot read the page");
            return false;
        }
        spend(ArrayContext::transfer_cycles(length - kPageHeaderSize, rate));
    } else {
        bytes_.assign(length, 0);
        if (!read_(address, bytes_.data(), length)) {
            run_.fail(Status::format_error, page + ": cannot read the page");
            return false;
        }
    }
    PageDecode d = decode_page(bytes_.data(), bytes_.size(), index);
    if (!d.ok) {
        run_.fail(Status::format_error,
                  "uC " + std::to_string(task_.column) + " at " + hex(address) + ": " + d.error);
        return false;
    }
    page_ = std::move(d.page);
    page_index_ = index;
    ++pages_;
    // Nothing of a page runs if it holds an instruction the model does not emulate.
    for (const Instruction& ins : page_.text) {
        if (const char* why = refusal(ins.opcode)) {
            return fail(Status::refused, ins,
                        std::string(op_name(ins.opcode)) + ": not modelled: " + why);
        }
    }
    AIE4SIM_LOG(debug, kLog,
                page << ": " << page_.jobs.size() << " job(s), " << page_.text.size()
                     << " instruction(s), " << bytes_.size() << " bytes");
    return true;
}

bool Uc::run_page() {
    jobs_.clear();
    jobs_.reserve(page_.jobs.size());
    for (const Job& j : page_.jobs) {
        JobRun r;
        r.job = &j;
        r.pc = j.first;
        r.wait = j.kind == JobKind::deferred ? Wait::launch : Wait::none;
        jobs_.push_back(r);
    }
    std::size_t rr = 0;
    for (;;) {
        if (run_.stopped() || !apply_due_dma()) {
            return false;
        }
        if (!run_.check_device("uC " + std::to_string(task_.column) + " page " +
                               std::to_string(page_index_))) {
            return false;
        }
        bool pending = false;
        for (const JobRun& j : jobs_) {
            pending = pending || (!j.done && j.wait != Wait::launch);
        }
        if (!pending) {
            for (const JobRun& j : jobs_) {
                if (j.wait == Wait::launch) {
                    AIE4SIM_LOG(debug, kLog,
                                "uC " << task_.column << " page " << page_index_ << ": job "
                                      << j.job->id << " was never launched");
                }
            }
            return true;
        }
        bool ran = false;
        for (std::size_t n = 0; n < jobs_.size() && !ran; ++n) {
            const std::size_t at = (rr + n) % jobs_.size();
            JobRun& j = jobs_[at];
            if (j.done || j.wait == Wait::launch) {
                continue;
            }
            if (j.wait != Wait::none) {
                const Unblock u = try_unblock(j);
                if (run_.stopped()) {
                    return false;
                }
                if (u == Unblock::still) {
                    continue;
                }
                if (u == Unblock::next) {
                    ++j.pc;
                }
                j.wait = Wait::none;
            }
            state_ = State::running;
            rr = at + 1;
            if (run_job(j) == Step::failed) {
                return false;
            }
            ran = true;
        }
        if (!ran && !idle_wait()) {
            return false;
        }
    }
}

bool Uc::idle_wait() {
    state_ = State::idle;
    run_.check_deadlock();
    if (run_.stopped()) {
        return false;
    }
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    sc_core::sc_time deadline = sc_core::sc_max_time();
    for (const JobRun& j : jobs_) {
        if (j.done || j.wait == Wait::launch || j.wait == Wait::none) {
            continue;
        }
        deadline = std::min(deadline, j.since + run_.wait_timeout());
        if (j.wait == Wait::poll) {
            deadline = std::min(deadline, j.next_check);
        }
    }
    if (!dma_.empty()) {
        deadline = std::min(deadline, dma_.front().done_at);
    }
    if (deadline > now) {
        sc_core::wait(deadline - now, run_.changed() | run_.array().token_event() |
                                          run_.array().error_event() | run_.stop_event());
    }
    state_ = State::running;
    return !run_.stopped();
}

Uc::Step Uc::run_job(JobRun& job) {
    const std::uint32_t cost = run_.timing().uc_instruction_cycles;
    for (;;) {
        const Instruction& ins = page_.text[job.pc];
        spend(cost);
        ++instructions_;
        if (run_.stopped() || !apply_due_dma()) {
            return Step::failed;
        }
        if (ins.opcode == Opcode::end_job) {
            job.done = true;
            return Step::ended;
        }
        const Step s = execute(job, ins);
        switch (s) {
        case Step::next:
            ++job.pc;
            break;
        case Step::yielded:
            ++job.pc;
            return s;
        case Step::stay:
        case Step::blocked:
        case Step::ended:
        case Step::failed:
            return s;
        }
    }
}

Uc::Step Uc::block(JobRun& job, Wait wait) {
    job.wait = wait;
    job.since = sc_core::sc_time_stamp();
    return Step::blocked;
}

bool Uc::reg_ok(const Instruction& ins, unsigned r) {
    if (r >= kRegisters) {
        return fail(Status::format_error, ins,
                    "register $r" + std::to_string(r) + " does not exist (r0..r23)");
    }
    return true;
}

std::uint32_t& Uc::reg(JobRun& job, unsigned r) {
    return r < kLocalRegisters ? job.regs[r] : globals_[r - kLocalRegisters];
}

bool Uc::array_address(const Instruction& ins, std::uint64_t a, std::uint64_t& out) {
    const std::uint64_t col = a >> kColumnShift;
    if (a > 0xFFFFFFFFull || col >= run_.column_count()) {
        return fail(Status::address_error, ins,
                    "address " + hex(a) + " is in column " + std::to_string(col) +
                        ", outside the partition's " + std::to_string(run_.column_count()) +
                        " columns");
    }
    out = (std::uint64_t{run_.first_column()} << kColumnShift) + a;
    return true;
}

namespace {
std::string describe_address(AieArray& array, unsigned first, std::uint64_t address) {
    const auto d = decode_address(array.geometry(), address);
    const std::uint64_t rel = address - (std::uint64_t{first} << kColumnShift);
    if (!d) {
        return hex(rel);
    }
    return hex(rel) + " (column " + std::to_string(d->col - first) + ", row " +
           std::to_string(d->row) + ", offset " + hex(d->offset) + ")";
}
} // namespace

bool Uc::read_register(const Instruction& ins, std::uint64_t address, std::uint32_t& value) {
    if (!run_.array().read32(address, value)) {
        return fail(Status::address_error, ins,
                    "read of unmapped address " +
                        describe_address(run_.array(), run_.first_column(), address));
    }
    spend(run_.timing().control_access_cycles);
    return true;
}

bool Uc::write_register(const Instruction& ins, std::uint64_t address, std::uint32_t value) {
    if (!run_.array().write32(address, value)) {
        return fail(Status::address_error, ins,
                    "write to unmapped address " +
                        describe_address(run_.array(), run_.first_column(), address));
    }
    spend(run_.timing().control_access_cycles);
    return true;
}

// The first look of a poll: done when it matches, else the job blocks until the next look.
Uc::Step Uc::start_poll(JobRun& job, const Instruction& ins) {
    bool matched = false;
    if (!poll_once(job, ins, matched)) {
        return Step::failed;
    }
    if (matched) {
        return Step::next;
    }
    block(job, Wait::poll);
    job.next_check = next_poll_time();
    return Step::blocked;
}

sc_core::sc_time Uc::next_poll_time() const {
    return sc_core::sc_time_stamp() + run_.cycles(run_.timing().poll_interval_cycles);
}

bool Uc::poll_once(JobRun& job, const Instruction& ins, bool& matched) {
    std::uint64_t a = 0;
    const std::uint64_t target = ins.opcode == Opcode::rel_acq_sync ? ins.value : ins.address;
    std::uint32_t v = 0;
    if (!array_address(ins, target, a) || !read_register(ins, a, v)) {
        return false;
    }
    switch (ins.opcode) {
    case Opcode::mask_poll_32:
        matched = (v & ins.mask) == ins.value;
        break;
    case Opcode::poll_32:
        matched = v == ins.value;
        break;
    default: // REL_ACQ_SYNC: reading the acquire window performs it; 1 = granted
        matched = v != 0;
        break;
    }
    job.handle = v; // the last value read, for the timeout message
    return true;
}

bool Uc::enqueue_dma(const Instruction& ins, std::uint64_t& handle) {
    const std::size_t end = page_.header.cur_page_len;
    std::uint32_t pos = kPageHeaderSize + ins.pointer;
    DmaTransfer t;
    t.where = where(ins);
    std::uint64_t cost = 0;
    const TimingTable& timing = run_.timing();
    for (unsigned n = 0;; ++n) {
        const std::string at = "uC-DMA descriptor @" + hex(pos - kPageHeaderSize);
        if (n >= kMaxChainDescriptors) {
            return fail(Status::format_error, ins,
                        "a uC-DMA chain of more than " + std::to_string(kMaxChainDescriptors) +
                            " descriptors (a loop?)");
        }
        if (pos % kUcDmaBdSize != 0 || pos + kUcDmaBdSize > end) {
            return fail(Status::format_error, ins,
                        at + " is not a 16-byte aligned descriptor inside the page's " +
                            std::to_string(end) + " bytes");
        }
        const UcDmaBd bd = decode_uc_dma_bd(bytes_.data() + pos);
        if (bd.external) {
            return fail(Status::refused, ins,
                        at + ": UC_DMA_BD external: not modelled: the model copies only from the "
                             "page (external is 0 on current AIE generations)");
        }
        if (bd.words == 0) {
            return fail(Status::format_error, ins, at + " moves 0 words");
        }
        const std::uint64_t src = bd.local_relative ? std::uint64_t{pos} + bd.local
                                                    : kPageHeaderSize + std::uint64_t{bd.local};
        if (src % 4 != 0 || src + std::uint64_t{bd.words} * 4 > end) {
            return fail(Status::format_error, ins,
                        at + ": its " + std::to_string(bd.words) + " source words at @" +
                            hex(src - kPageHeaderSize) + " do not lie inside the page");
        }
        DmaPiece piece;
        if (!array_address(ins, bd.remote, piece.address)) {
            return false;
        }
        piece.descriptor = pos - kPageHeaderSize;
        piece.bytes.assign(bytes_.begin() + static_cast<std::ptrdiff_t>(src),
                           bytes_.begin() +
                               static_cast<std::ptrdiff_t>(src + std::uint64_t{bd.words} * 4));
        t.pieces.push_back(std::move(piece));
        cost += timing.uc_dma_bd_cycles + std::uint64_t{bd.words} * timing.control_access_cycles;
        if (!bd.next) {
            break;
        }
        pos += kUcDmaBdSize;
    }
    const sc_core::sc_time start = std::max(sc_core::sc_time_stamp(), dma_free_at_);
    t.done_at = start + run_.cycles(cost);
    dma_free_at_ = t.done_at;
    handle = ++dma_issued_;
    t.handle = handle;
    dma_.push_back(std::move(t));
    return true;
}

bool Uc::apply_due_dma() {
    while (!dma_.empty() && dma_.front().done_at <= sc_core::sc_time_stamp()) {
        DmaTransfer& t = dma_.front();
        for (const DmaPiece& p : t.pieces) {
            if (run_.array().write(p.address, p.bytes.data(),
                                   static_cast<std::uint32_t>(p.bytes.size())) ==
                AccessStatus::ok) {
                continue;
            }
            for (std::size_t i = 0; i < p.bytes.size(); i += 4) {
                std::uint32_t w = 0;
                std::memcpy(&w, p.bytes.data() + i, 4);
                if (!run_.array().write32(p.address + i, w)) {
                    run_.fail(
                        Status::address_error,
                        t.where + ": uC-DMA descriptor @" + hex(p.descriptor) +
                            ": write to unmapped address " +
                            describe_address(run_.array(), run_.first_column(), p.address + i));
                    return false;
                }
            }
        }
        dma_done_ = t.handle;
        dma_.pop_front();
    }
    return true;
}

bool Uc::finish_dma() {
    while (!dma_.empty() && !run_.stopped()) {
        const sc_core::sc_time now = sc_core::sc_time_stamp();
        if (dma_.front().done_at > now) {
            sc_core::wait(dma_.front().done_at - now, run_.changed());
        }
        if (!apply_due_dma()) {
            return false;
        }
    }
    return !run_.stopped();
}

bool Uc::apply_offset(const Instruction& ins) {
    if (task_.args.empty()) {
        // XRT patches BD addresses on the host (patch57_aie4) and sends no argument list.
        AIE4SIM_LOG(trace, kLog, where(ins) << ": no argument list, the host patched the BDs");
        return true;
    }
    std::uint64_t value = 0;
    if (ins.id == kPatchControlCode) {
        value = task_.control_code;
    } else if (std::size_t{ins.id} + 1 < task_.args.size()) {
        value = task_.args[ins.id] | (std::uint64_t{task_.args[ins.id + 1u]} << 32);
    } else {
        return fail(Status::argument_error, ins,
                    "argument words " + std::to_string(ins.id) + " and " +
                        std::to_string(ins.id + 1) + ", but the command provides " +
                        std::to_string(task_.args.size()) + " words");
    }
    value += run_.array().config().host_address_offset;
    for (unsigned e = 0; e < ins.count; ++e) {
        const std::size_t pos = kPageHeaderSize + ins.pointer + std::size_t{e} * kBdBytes;
        if (pos % 4 != 0 || pos + 8 > page_.header.cur_page_len) {
            return fail(Status::format_error, ins,
                        "BD " + std::to_string(e) + " of the table at @" + hex(ins.pointer) +
                            " lies outside the page");
        }
        const std::uint32_t w0 = word_at(bytes_, pos);
        const std::uint32_t w1 = word_at(bytes_, pos + 4);
        const std::uint64_t address = ((std::uint64_t{w0} & 0x1FFFFFF) << 32 | w1) + value;
        const std::uint32_t n0 =
            (w0 & 0xFE000000u) | static_cast<std::uint32_t>((address >> 32) & 0x1FFFFFF);
        const auto n1 = static_cast<std::uint32_t>(address);
        std::memcpy(bytes_.data() + pos, &n0, 4);
        std::memcpy(bytes_.data() + pos + 4, &n1, 4);
    }
    return true;
}

Uc::Step Uc::execute(JobRun& job, const Instruction& ins) {
    const auto failed = Step::failed;
    std::uint64_t a = 0;
    std::uint32_t v = 0;
    switch (ins.opcode) {
    case Opcode::write_32:
        return array_address(ins, ins.address, a) && write_register(ins, a, ins.value) ? Step::next
                                                                                       : failed;
    case Opcode::mask_write_32:
        if (!array_address(ins, ins.address, a) || !read_register(ins, a, v)) {
            return failed;
        }
        return write_register(ins, a, (v & ~ins.mask) | (ins.value & ins.mask)) ? Step::next
                                                                                : failed;
    case Opcode::write_32_d: {
        // Flags as AMD's own tests use them: bit 1 = the address is immediate, bit 0 = the
        // value is (docs/control-code.md explains why not as the spec's table says).
        const bool address_imm = (ins.flags & 2) != 0;
        const bool value_imm = (ins.flags & 1) != 0;
        if ((!address_imm && !reg_ok(ins, ins.address)) ||
            (!value_imm && !reg_ok(ins, ins.value))) {
            return failed;
        }
        const std::uint32_t address = address_imm ? ins.address : reg(job, ins.address);
        const std::uint32_t value = value_imm ? ins.value : reg(job, ins.value);
        return array_address(ins, address, a) && write_register(ins, a, value) ? Step::next
                                                                               : failed;
    }
    case Opcode::read_32:
        if (!reg_ok(ins, ins.reg) || !array_address(ins, ins.address, a) ||
            !read_register(ins, a, v)) {
            return failed;
        }
        reg(job, ins.reg) = v;
        return Step::next;
    case Opcode::read_32_d:
        if (!reg_ok(ins, ins.reg) || !reg_ok(ins, ins.reg2) ||
            !array_address(ins, reg(job, ins.reg), a) || !read_register(ins, a, v)) {
            return failed;
        }
        reg(job, ins.reg2) = v;
        return Step::next;
    case Opcode::mov:
    case Opcode::add:
        if (!reg_ok(ins, ins.reg)) {
            return failed;
        }
        reg(job, ins.reg) = ins.opcode == Opcode::mov ? ins.value : reg(job, ins.reg) + ins.value;
        return Step::next;
    case Opcode::poll_32:
    case Opcode::mask_poll_32:
        return start_poll(job, ins);
    case Opcode::rel_acq_sync:
        // Reading a lock's release window performs the release; then the acquire is polled.
        if (!array_address(ins, ins.address, a) || !read_register(ins, a, v)) {
            return failed;
        }
        return start_poll(job, ins);
    case Opcode::wait_tcts: {
        const unsigned col = ins.id >> 5;
        const unsigned row = ins.id & 0x1F;
        const Geometry& g = run_.array().geometry();
        if (col >= run_.column_count() || row >= g.rows()) {
            return stop(Status::address_error, ins,
                        "TILE_" + std::to_string(col) + "_" + std::to_string(row) +
                            " is not a tile of the partition (" +
                            std::to_string(run_.column_count()) + " columns, " +
                            std::to_string(g.rows()) + " rows)");
        }
        const auto ch = actor_channel(g.kind(row), ins.reg);
        if (!ch) {
            return stop(Status::address_error, ins,
                        "actor " + std::to_string(ins.reg) + " is no DMA channel of a " +
                            tile_kind_name(g.kind(row)) + " tile");
        }
        if (ins.count == 0) {
            return Step::next;
        }
        const unsigned acol = run_.first_column() + col;
        if (run_.array().tokens_available(acol, row, ch->dir, ch->channel) >= ins.count) {
            run_.array().consume_tokens(acol, row, ch->dir, ch->channel, ins.count);
            return Step::next;
        }
        return block(job, Wait::tokens);
    }
    case Opcode::uc_dma_write_des:
    case Opcode::uc_dma_write_des_sync: {
        const bool sync = ins.opcode == Opcode::uc_dma_write_des_sync;
        if (!sync && !reg_ok(ins, ins.reg)) {
            return failed;
        }
        if (dma_.size() >= kDmaQueueDepth) {
            return block(job, Wait::dma_queue);
        }
        std::uint64_t handle = 0;
        if (!enqueue_dma(ins, handle)) {
            return failed;
        }
        if (!sync) {
            reg(job, ins.reg) = static_cast<std::uint32_t>(handle);
            return Step::next;
        }
        block(job, Wait::dma);
        job.handle = handle;
        return Step::blocked;
    }
    case Opcode::wait_uc_dma: {
        if (!reg_ok(ins, ins.reg)) {
            return failed;
        }
        const std::uint64_t handle = reg(job, ins.reg);
        if (handle == 0 || handle > dma_issued_) {
            return stop(Status::format_error, ins,
                        "$r" + std::to_string(ins.reg) + " holds " + std::to_string(handle) +
                            ", no uC-DMA transfer's handle");
        }
        if (dma_done_ >= handle) {
            return Step::next;
        }
        block(job, Wait::dma);
        job.handle = handle;
        return Step::blocked;
    }
    case Opcode::apply_offset_57:
        return apply_offset(ins) ? Step::next : failed;
    case Opcode::local_barrier: {
        if (ins.reg >= kLocalBarriers || ins.count == 0) {
            return stop(Status::format_error, ins,
                        "$lb" + std::to_string(ins.reg) + " with " + std::to_string(ins.count) +
                            " parties (barriers $lb0..15, at least one party)");
        }
        LocalBarrier& b = local_[ins.reg];
        if (b.arrived != 0 && b.parties != ins.count) {
            return stop(Status::format_error, ins,
                        "$lb" + std::to_string(ins.reg) + " with " + std::to_string(ins.count) +
                            " parties, but a job already waits for " + std::to_string(b.parties));
        }
        b.parties = ins.count;
        const std::uint64_t generation = b.generation;
        if (++b.arrived == b.parties) {
            b.arrived = 0;
            ++b.generation;
            return Step::next;
        }
        block(job, Wait::local_barrier);
        job.barrier = ins.reg;
        job.handle = generation;
        return Step::blocked;
    }
    case Opcode::remote_barrier: {
        if (ins.reg == 0 || ins.reg > kRemoteBarriers || task_.column >= 32) {
            return stop(Status::format_error, ins,
                        "remote barrier encoding " + std::to_string(ins.reg) +
                            " (1..64 for $rb0..63) on uC " + std::to_string(task_.column));
        }
        std::uint64_t generation = 0;
        std::string error;
        if (!run_.arrive_remote(ins.reg, task_.column, ins.mask, generation, error)) {
            return stop(Status::format_error, ins,
                        "$rb" + std::to_string(ins.reg - 1) + ": " + error);
        }
        if (run_.remote_passed(ins.reg, generation)) {
            return Step::next;
        }
        block(job, Wait::remote_barrier);
        job.barrier = ins.reg;
        job.handle = generation;
        return Step::blocked;
    }
    case Opcode::launch_job:
        for (JobRun& other : jobs_) {
            if (other.job->id != ins.id) {
                continue;
            }
            if (other.wait != Wait::launch) {
                return stop(Status::format_error, ins,
                            "job " + std::to_string(ins.id) + " is launched a second time");
            }
            other.wait = Wait::none;
            return Step::next;
        }
        return stop(Status::format_error, ins, "no job " + std::to_string(ins.id));
    case Opcode::yield:
        return Step::yielded;
    case Opcode::nop:
        return Step::next;
    case Opcode::trace:
    case Opcode::save_timestamps:
        run_.events.push_back(TraceEvent{
            task_.column, ins.opcode == Opcode::trace ? "trace" : "timestamp",
            ins.opcode == Opcode::trace ? ins.id : ins.value, 0, sc_core::sc_time_stamp()});
        AIE4SIM_LOG(debug, kLog,
                    where(ins) << ": id " << (ins.opcode == Opcode::trace ? ins.id : ins.value)
                               << " at " << sc_core::sc_time_stamp());
        return Step::next;
    case Opcode::save_register:
        if (!array_address(ins, ins.address, a) || !read_register(ins, a, v)) {
            return failed;
        }
        run_.events.push_back(
            TraceEvent{task_.column, "register", ins.value, v, sc_core::sc_time_stamp()});
        AIE4SIM_LOG(debug, kLog, where(ins) << ": id " << ins.value << " = " << hex(v));
        return Step::next;
    case Opcode::sleep: {
        const sc_core::sc_time t(static_cast<double>(ins.value), sc_core::SC_US);
        if (t > run_.wait_timeout()) {
            return stop(Status::timeout, ins,
                        "SLEEP of " + std::to_string(ins.value) +
                            " us is longer than the wait timeout");
        }
        // A busy wait: the uC's other jobs do not run meanwhile.
        sc_core::wait(t, run_.changed());
        return run_.stopped() ? failed : Step::next;
    }
    case Opcode::load_pdi:
    case Opcode::load_last_pdi:
    case Opcode::load_cores:
    case Opcode::load_cores_cp:
    case Opcode::preempt:
    case Opcode::start_job:
    case Opcode::start_job_deferred:
    case Opcode::start_cond_job_preempt:
    case Opcode::end_job:
    case Opcode::eof:
        // Refused when the page was loaded, or not part of a job body (decode_page).
        return stop(Status::format_error, ins, "unexpected in a job body");
    }
    return failed;
}

Uc::Unblock Uc::try_unblock(JobRun& job) {
    const Instruction& ins = page_.text[job.pc];
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    std::string waiting;
    switch (job.wait) {
    case Wait::none:
        return Unblock::retry;
    case Wait::launch:
        return Unblock::still;
    case Wait::dma:
        if (dma_done_ >= job.handle) {
            return Unblock::next;
        }
        waiting = "uC-DMA transfer " + std::to_string(job.handle) + " not finished";
        break;
    case Wait::dma_queue:
        if (dma_.size() < kDmaQueueDepth) {
            return Unblock::retry;
        }
        waiting = "the uC-DMA queue is still full";
        break;
    case Wait::tokens: {
        const unsigned col = run_.first_column() + (ins.id >> 5);
        const unsigned row = ins.id & 0x1F;
        const auto ch = actor_channel(run_.array().geometry().kind(row), ins.reg);
        const std::uint64_t have = run_.array().tokens_available(col, row, ch->dir, ch->channel);
        if (have >= ins.count) {
            run_.array().consume_tokens(col, row, ch->dir, ch->channel, ins.count);
            return Unblock::next;
        }
        waiting = std::to_string(ins.count) + " token(s) from TILE_" + std::to_string(ins.id >> 5) +
                  "_" + std::to_string(row) + " " +
                  actor_name(run_.array().geometry().kind(row), ch->dir, ch->channel) +
                  " not received (" + std::to_string(have) + " available)";
        break;
    }
    case Wait::poll:
        if (now >= job.next_check) {
            bool matched = false;
            if (!poll_once(job, ins, matched)) {
                return Unblock::still;
            }
            if (matched) {
                return Unblock::next;
            }
            job.next_check = next_poll_time();
        }
        waiting = "the register still reads " + hex(job.handle);
        break;
    case Wait::local_barrier:
        if (local_[job.barrier].generation > job.handle) {
            return Unblock::next;
        }
        waiting = "$lb" + std::to_string(job.barrier) + " still closed";
        break;
    case Wait::remote_barrier:
        if (run_.remote_passed(job.barrier, job.handle)) {
            return Unblock::next;
        }
        waiting = run_.describe_remote(job.barrier) + " still closed";
        break;
    }
    if (sc_core::sc_time_stamp() - job.since >= run_.wait_timeout()) {
        fail(Status::timeout, ins,
             "job " + std::to_string(job.job->id) + ": " + waiting + " after " +
                 (sc_core::sc_time_stamp() - job.since).to_string());
    }
    return Unblock::still;
}

bool Uc::can_progress() const {
    switch (state_) {
    case State::loading:
    case State::running:
        return true;
    case State::finished:
        return false;
    case State::idle:
        break;
    }
    if (!dma_.empty()) {
        return true;
    }
    for (const JobRun& j : jobs_) {
        if (j.done || j.wait == Wait::launch) {
            continue;
        }
        if (j.wait == Wait::local_barrier) {
            if (local_[j.barrier].generation > j.handle) {
                return true;
            }
        } else if (j.wait == Wait::remote_barrier) {
            if (run_.remote_passed(j.barrier, j.handle)) {
                return true;
            }
        } else {
            return true;
        }
    }
    return false;
}

std::string Uc::describe_wait() const {
    const std::string uc = "uC " + std::to_string(task_.column);
    if (state_ == State::finished) {
        return uc + " has ended";
    }
    std::string out;
    for (const JobRun& j : jobs_) {
        if (j.done) {
            continue;
        }
        std::string what;
        if (j.wait == Wait::launch) {
            what = "never launched";
        } else if (j.wait == Wait::local_barrier) {
            what = "waits at $lb" + std::to_string(j.barrier) + " (" +
                   std::to_string(local_[j.barrier].arrived) + " of " +
                   std::to_string(local_[j.barrier].parties) + " parties)";
        } else if (j.wait == Wait::remote_barrier) {
            what = "waits at " + run_.describe_remote(j.barrier);
        } else {
            what = "waits";
        }
        out += (out.empty() ? "" : ", ") + ("job " + std::to_string(j.job->id) + " " + what);
    }
    return uc + " page " + std::to_string(page_index_) + ": " + (out.empty() ? "idle" : out);
}

} // namespace aie4sim::tiles::cert
