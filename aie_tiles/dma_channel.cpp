#include "aie_tiles/dma_channel.h"

#include "aie_tiles/dma_addressing.h"
#include "aie_tiles/tile.h"
#include "common/log.h"

#include <algorithm>
#include <cstring>
#include <sstream>

namespace aie4sim::tiles {

namespace {

std::string hex(std::uint64_t v) {
    std::ostringstream s;
    s << "0x" << std::hex << v;
    return s.str();
}

constexpr std::uint32_t kStartQueueValid = 0xFu | (0xFFFu << 16) | (1u << 31);

} // namespace

DmaChannel::DmaChannel(Tile& tile, DmaDir dir, unsigned index)
    : tile_(tile), dir_(dir), index_(index) {}

std::string DmaChannel::name() const {
    return std::string(dma_dir_name(dir_)) + std::to_string(index_);
}

void DmaChannel::spawn() {
    const std::string n =
        "c" + std::to_string(tile_.col()) + "_r" + std::to_string(tile_.row()) + "_" + name();
    sc_core::sc_spawn([this] { thread(); }, n.c_str());
}

std::uint32_t DmaChannel::status() const {
    const std::uint32_t state = halted_ ? 2u : (running_ ? 1u : 0u);
    return state | (lock_stall_ ? regs::kStatusLockStall : 0u) |
           (stream_stall_ ? regs::kStatusStreamStall : 0u) |
           (overflow_ ? regs::kStatusOverflow : 0u) |
           ((current_bd_ & 0xFu) << regs::kStatusBdShift) |
           ((static_cast<std::uint32_t>(queue_.size()) & 0x1Fu) << regs::kStatusQueueShift) |
           (static_cast<std::uint32_t>(error_) << regs::kStatusErrorShift);
}

void DmaChannel::write_ctrl(std::uint32_t value) {
    if ((value & ~regs::kChannelCtrlReset) != 0) {
        tile_.report(name(), "CTRL " + hex(value) + ": reserved bits set (only bit 1, reset)");
        return;
    }
    if ((value & regs::kChannelCtrlReset) != 0) {
        reset();
    }
}

void DmaChannel::push_task(std::uint32_t v) {
    if ((v & ~kStartQueueValid) != 0) {
        tile_.report(name(), "START_QUEUE " + hex(v) + ": reserved bits set; task ignored");
        return;
    }
    if (queue_.size() >= kTaskQueueDepth) {
        overflow_ = true;
        tile_.report(name(), "task queue overflow (" + std::to_string(kTaskQueueDepth) +
                                 " tasks pending); task for BD " + std::to_string(v & 0xF) +
                                 " dropped");
        return;
    }
    queue_.push_back(Task{v & 0xFu, ((v >> 16) & 0xFFFu) + 1, (v >> 31) != 0});
    queue_event_.notify(sc_core::SC_ZERO_TIME);
}

void DmaChannel::reset() {
    domain_.trigger();
    queue_.clear();
    running_ = halted_ = lock_stall_ = stream_stall_ = overflow_ = false;
    current_bd_ = 0;
    error_ = DmaError::none;
    error_info_ = 0;
    tokens_issued_ = 0;
    tokens_available_ = 0;
    tasks_done_ = 0;
    inbox_.clear();
}

bool DmaChannel::halt(DmaError code, const std::string& message, std::uint32_t info) {
    halted_ = true;
    running_ = false;
    lock_stall_ = stream_stall_ = false;
    error_ = code;
    error_info_ = info;
    tile_.report(name(), "BD " + std::to_string(current_bd_) + ": " + message);
    return false;
}

std::uint32_t DmaChannel::rate() const {
    return std::min(tile_.context().timing().dma_bytes_per_cycle(tile_.kind()),
                    tile_.context().timing().stream_width_bytes);
}

void DmaChannel::thread() {
    for (;;) {
        const AbortCheck abort(domain_);
        if (halted_ || queue_.empty()) {
            sc_core::wait(queue_event_ | domain_.event());
            continue;
        }
        const Task task = queue_.front();
        queue_.pop_front();
        running_ = true;
        task_bytes_ = 0;
        ArrayObserver* observer = tile_.context().observer();
        if (observer != nullptr) {
            observer->dma_task_begin(tile_.col(), tile_.row(), tile_.kind(), dir_, index_, task.bd,
                                     task.executions);
        }
        const bool ok = run_task(task, abort);
        if (observer != nullptr) {
            observer->dma_task_end(tile_.col(), tile_.row(), dir_, index_, task_bytes_,
                                   abort.aborted() ? ArrayObserver::TaskEnd::aborted
                                   : ok            ? ArrayObserver::TaskEnd::done
                                                   : ArrayObserver::TaskEnd::halted);
        }
        if (abort.aborted() || !ok) {
            continue; // reset() or halt() already set the state
        }
        running_ = false;
        ++tasks_done_;
        if (task.token) {
            ++tokens_issued_;
            ++tokens_available_;
            tile_.context().notify_token();
        }
        AIE4SIM_LOG(debug, "aie",
                    tile_.name() << " " << name() << ": task (BD " << task.bd << " x"
                                 << task.executions << ") done" << (task.token ? ", token" : ""));
    }
}

bool DmaChannel::run_task(const Task& task, const AbortCheck& abort) {
    const TimingTable& t = tile_.context().timing();
    if (tile_.kind() == TileKind::shim) {
        const std::uint32_t overhead = dir_ == DmaDir::mm2s ? t.shim_mm2s_task_overhead_cycles
                                                            : t.shim_s2mm_task_overhead_cycles;
        if (!abort.wait_for(tile_.context().cycles(overhead))) {
            return false;
        }
    }
    for (unsigned e = 0; e < task.executions; ++e) {
        unsigned bd = task.bd;
        for (;;) {
            unsigned next = 0;
            bool has_next = false;
            if (!run_bd(bd, next, has_next, abort)) {
                return false;
            }
            if (!has_next) {
                break;
            }
            bd = next;
        }
    }
    return true;
}

bool DmaChannel::check_bd(const BufferDescriptor& bd, unsigned bd_index, std::uint64_t base) {
    const TileKind kind = tile_.kind();
    if (!bd.valid) {
        return halt(DmaError::bd_invalid, "not valid (w10 bit 31 clear)", bd_index);
    }
    if (bd.length == 0) {
        return halt(DmaError::bd_field, "length 0", bd_index);
    }
    if ((bd.address & 3) != 0) {
        return halt(DmaError::bd_field, "address " + hex(bd.address) + " is not 4-byte aligned",
                    bd_index);
    }
    if (kind != TileKind::shim && bd.address > 0xFFFFFFFFu) {
        return halt(DmaError::bd_field,
                    std::string("address high word set on a ") + tile_kind_name(kind) + " BD",
                    bd_index);
    }
    if (bd.has_padding() && !(kind == TileKind::mem && dir_ == DmaDir::mm2s)) {
        return halt(DmaError::bd_field, "padding is only supported on memory tile MM2S channels",
                    bd_index);
    }
    if (bd.iter_wrap != 0 && bd.iter_current >= bd.iter_wrap) {
        return halt(DmaError::bd_field,
                    "iteration current " + std::to_string(bd.iter_current) +
                        " not below iteration wrap " + std::to_string(bd.iter_wrap),
                    bd_index);
    }
    for (const BdLock* l : {&bd.acquire, &bd.release}) {
        if (l->enable && l->id >= tile_.locks().size()) {
            return halt(DmaError::bd_field,
                        "lock " + std::to_string(l->id) + " does not exist (" +
                            std::to_string(tile_.locks().size()) + " locks)",
                        bd_index);
        }
    }
    if (kind != TileKind::shim) {
        std::uint64_t extent = bd_extent_bound(bd);
        if (!tile_.memory().contains(base, extent)) {
            extent = bd_extent_exact(bd); // the bound is loose for partial blocks
        }
        if (!tile_.memory().contains(base, extent)) {
            return halt(DmaError::address_range,
                        "addresses " + hex(base) + ".." + hex(base + extent) + " exceed the " +
                            std::to_string(tile_.memory().size()) + "-byte data memory",
                        static_cast<std::uint32_t>(base));
        }
    }
    return true;
}

bool DmaChannel::acquire_lock(const BdLock& lock, const AbortCheck& abort) {
    lock_stall_ = true;
    const LockBank::Result r = tile_.locks().acquire(lock.id, lock.equal, lock.value, abort);
    lock_stall_ = false;
    if (r == LockBank::Result::aborted) {
        return false;
    }
    if (r == LockBank::Result::range_error) {
        return halt(DmaError::lock_range,
                    "acquire of lock " + std::to_string(lock.id) + " by " +
                        std::to_string(lock.value) + " would leave -64..63",
                    lock.id);
    }
    return abort.wait_for(tile_.context().cycles(tile_.context().timing().lock_acquire_cycles));
}

bool DmaChannel::release_lock(const BdLock& lock) {
    if (tile_.locks().release(lock.id, lock.value) == LockBank::Result::range_error) {
        return halt(DmaError::lock_range,
                    "release of lock " + std::to_string(lock.id) + " by " +
                        std::to_string(lock.value) + " would leave -64..63 (value " +
                        std::to_string(tile_.locks().value(lock.id)) + ")",
                    lock.id);
    }
    return true;
}

bool DmaChannel::run_bd(unsigned bd_index, unsigned& next, bool& has_next,
                        const AbortCheck& abort) {
    current_bd_ = bd_index;
    const BufferDescriptor bd = decode_bd(tile_.bd_words(dir_, index_, bd_index));
    const std::uint64_t base =
        bd.address + (bd.iter_wrap != 0 ? std::uint64_t{bd.iter_current} * bd.iter_step * 4 : 0);
    if (!check_bd(bd, bd_index, base)) {
        return false;
    }
    ArrayContext& ctx = tile_.context();
    if (!abort.wait_for(ctx.cycles(ctx.timing().dma_bd_overhead_cycles))) {
        return false;
    }
    if (bd.acquire.enable && !acquire_lock(bd.acquire, abort)) {
        return false;
    }
    const bool moved = dir_ == DmaDir::mm2s ? send(bd, base, abort) : receive(bd, base, abort);
    if (!moved) {
        return false;
    }
    task_bytes_ += std::uint64_t{bd.length} * 4;
    if (bd.release.enable) {
        if (!release_lock(bd.release)) {
            return false;
        }
        if (!abort.wait_for(ctx.cycles(ctx.timing().lock_release_cycles))) {
            return false;
        }
    }
    if (bd.iter_wrap != 0) {
        tile_.write_bd_iter_current(dir_, index_, bd_index, (bd.iter_current + 1) % bd.iter_wrap);
    }
    has_next = bd.use_next;
    next = bd.next_bd;
    return true;
}

bool DmaChannel::send(const BufferDescriptor& bd, std::uint64_t base, const AbortCheck& abort) {
    ArrayContext& ctx = tile_.context();
    const TimingTable& t = ctx.timing();
    ArrayServices& services = tile_.services();
    const RouteResult route =
        services.route(tile_.col(), tile_.row(), index_, bd.packet_enable, bd.packet_id);
    if (!route.error.empty()) {
        return halt(DmaError::no_route, route.error);
    }
    // Own every destination for the whole BD (in (col,row,channel) order, so that two
    // broadcasters sharing destinations cannot deadlock each other).
    std::vector<StreamInbox*> inboxes;
    std::uint32_t chunk = ctx.config().chunk_bytes;
    auto release_all = [&inboxes, this] {
        for (StreamInbox* in : inboxes) {
            in->release(this);
        }
    };
    for (const StreamDestination& d : route.destinations) {
        StreamInbox& in = services.inbox(d.col, d.row, d.channel);
        if (!in.acquire(this, abort)) {
            release_all();
            return false;
        }
        inboxes.push_back(&in);
        in.set_capacity(d.capacity_bytes(t));
        // Half the path's capacity, so that sender and receiver overlap.
        chunk = std::min(chunk, std::max<std::uint32_t>(4, (d.capacity_bytes(t) / 2) & ~3u));
    }
    const std::uint32_t bytes_per_cycle = rate();
    const bool host = tile_.kind() == TileKind::shim;
    AddressWalker walker(bd, base);
    while (!walker.done()) {
        auto data = std::make_shared<std::vector<std::uint8_t>>(
            std::min<std::uint64_t>(chunk, std::uint64_t{walker.remaining()} * 4));
        std::uint32_t filled = 0;
        sc_core::sc_time bus_delay = sc_core::SC_ZERO_TIME;
        while (filled < data->size()) {
            const AddressRun run =
                walker.next((static_cast<std::uint32_t>(data->size()) - filled) / 4);
            const std::uint32_t n = run.words * 4;
            std::uint8_t* dst = data->data() + filled;
            if (run.zero) {
                std::memset(dst, 0, n);
            } else if (host) {
                std::string error;
                if (!services.host_access(tile_.col(), false, run.address, dst, n, bus_delay,
                                          error)) {
                    release_all();
                    return halt(DmaError::host_access,
                                "host read of " + std::to_string(n) + " bytes at " +
                                    hex(run.address) + " failed: " + error,
                                static_cast<std::uint32_t>(run.address));
                }
            } else {
                tile_.memory().read(static_cast<std::uint32_t>(run.address), dst, n);
            }
            filled += n;
        }
        if (abort.aborted()) { // reset while the host bus held us
            release_all();
            return false;
        }
        const auto bytes = static_cast<std::uint32_t>(data->size());
        for (;;) {
            bool room = true;
            sc_core::sc_event_or_list wake;
            for (StreamInbox* in : inboxes) {
                if (!in->has_room(bytes)) {
                    room = false;
                    wake |= in->space_event();
                }
            }
            if (room) {
                break;
            }
            stream_stall_ = true;
            wake |= abort.event();
            sc_core::wait(wake);
            stream_stall_ = false;
            if (abort.aborted()) {
                release_all();
                return false;
            }
        }
        const sc_core::sc_time start = simulation_now();
        sc_core::sc_time duration =
            ctx.cycles(ArrayContext::transfer_cycles(bytes, bytes_per_cycle));
        duration = std::max(duration, bus_delay);
        for (std::size_t i = 0; i < inboxes.size(); ++i) {
            const sc_core::sc_time latency = ctx.cycles(route.destinations[i].latency_cycles(t));
            inboxes[i]->push(StreamChunk{data, 0, start + latency, start + duration + latency});
        }
        if (!abort.wait_for(duration)) {
            release_all();
            return false;
        }
    }
    release_all();
    return true;
}

bool DmaChannel::receive(const BufferDescriptor& bd, std::uint64_t base, const AbortCheck& abort) {
    ArrayContext& ctx = tile_.context();
    const std::uint32_t bytes_per_cycle = rate();
    const bool host = tile_.kind() == TileKind::shim;
    AddressWalker walker(bd, base);
    AddressRun run; // the part of the current run not yet written
    std::uint64_t left = std::uint64_t{bd.length} * 4;
    std::vector<std::uint8_t> scratch;
    while (left > 0) {
        while (inbox_.empty()) {
            stream_stall_ = true;
            const bool alive = abort.wait_event(inbox_.data_event());
            stream_stall_ = false;
            if (!alive) {
                return false;
            }
        }
        StreamChunk& c = inbox_.front();
        const std::uint32_t take = static_cast<std::uint32_t>(
            std::min<std::uint64_t>({c.remaining(), left, ctx.config().chunk_bytes}));
        // Cut-through: the piece can be written once its last byte has arrived and the
        // channel has had time to write it at its own rate.
        const sc_core::sc_time now = simulation_now();
        const sc_core::sc_time begin = std::max(now, c.first);
        const sc_core::sc_time span = c.last - c.first;
        const sc_core::sc_time piece_end =
            c.first + sc_core::sc_time::from_value(span.value() * (c.offset + take) / c.size());
        const sc_core::sc_time finish = std::max(
            begin + ctx.cycles(ArrayContext::transfer_cycles(take, bytes_per_cycle)), piece_end);
        const std::shared_ptr<const std::vector<std::uint8_t>> data = c.data;
        const std::uint32_t from = c.offset;
        if (!abort.wait_for(finish - now)) {
            return false;
        }
        sc_core::sc_time bus_delay = sc_core::SC_ZERO_TIME;
        std::uint32_t done = 0;
        while (done < take) {
            if (run.words == 0) {
                run = walker.next((take - done) / 4);
            }
            const std::uint32_t n = std::min(run.words * 4, take - done);
            const std::uint8_t* src = data->data() + from + done;
            if (host) {
                scratch.assign(src, src + n);
                std::string error;
                if (!tile_.services().host_access(tile_.col(), true, run.address, scratch.data(), n,
                                                  bus_delay, error)) {
                    return halt(DmaError::host_access,
                                "host write of " + std::to_string(n) + " bytes at " +
                                    hex(run.address) + " failed: " + error,
                                static_cast<std::uint32_t>(run.address));
                }
            } else {
                tile_.memory().write(static_cast<std::uint32_t>(run.address), src, n);
            }
            run.address += n;
            run.words -= n / 4;
            done += n;
        }
        inbox_.consume(take);
        left -= take;
        // A bus slower than the modelled rate holds the channel for the difference.
        const sc_core::sc_time spent = finish - begin;
        if (bus_delay > spent && !abort.wait_for(bus_delay - spent)) {
            return false;
        }
    }
    return true;
}

void DmaChannel::trace(sc_core::sc_trace_file* file, const std::string& prefix) const {
    sc_core::sc_trace(file, running_, prefix + ".running");
    sc_core::sc_trace(file, halted_, prefix + ".halted");
    sc_core::sc_trace(file, lock_stall_, prefix + ".lock_stall");
    sc_core::sc_trace(file, stream_stall_, prefix + ".stream_stall");
    sc_core::sc_trace(file, current_bd_, prefix + ".current_bd", 4);
    sc_core::sc_trace(file, tasks_done_, prefix + ".tasks_done");
}

} // namespace aie4sim::tiles
