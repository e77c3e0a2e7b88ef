#pragma once
// One DMA channel (S2MM: stream to memory, MM2S: memory to stream) of a tile, with its task
// queue. A SystemC thread takes tasks from the queue; a task runs its BD chain (start BD,
// then each BD's next BD while use-next is set) `executions` times. Each BD: fetch and check
// the registers, pay the BD overhead, acquire its lock (blocking), move its data, release its
// lock, write back the iteration counter. A finished task with token issue enabled adds a
// task-completion token that control code can wait for.
//
// Errors (bad BD, address out of range, host bus error, no stream route, lock out of range)
// halt the channel: status shows state 2 and the error code, the column's error log gets the
// message, and the channel does nothing more until it is reset (CTRL bit 1 or a column reset).
// Queue overflow does not halt: the task is dropped and the sticky overflow bit is set.

#include "aie_tiles/array_context.h"
#include "aie_tiles/format/bd_format.h"
#include "aie_tiles/format/register_map.h"
#include "aie_tiles/stream_inbox.h"

#include <cstdint>
#include <deque>
#include <string>
#include <systemc>

namespace aie4sim::tiles {

class Tile;

using DmaError = regs::DmaError;

class DmaChannel {
public:
    DmaChannel(Tile& tile, DmaDir dir, unsigned index);
    DmaChannel(const DmaChannel&) = delete;
    DmaChannel& operator=(const DmaChannel&) = delete;

    // Spawns the channel's thread; called once, during elaboration.
    void spawn();

    [[nodiscard]] DmaDir dir() const { return dir_; }
    [[nodiscard]] unsigned index() const { return index_; }
    [[nodiscard]] std::string name() const;

    // Register interface (register_map.h "DMA").
    [[nodiscard]] std::uint32_t status() const;
    [[nodiscard]] std::uint32_t tokens_issued() const { return tokens_issued_; }
    [[nodiscard]] std::uint32_t error_info() const { return error_info_; }
    [[nodiscard]] std::uint32_t tasks_done() const { return tasks_done_; }
    void write_ctrl(std::uint32_t value);
    void push_task(std::uint32_t start_queue);

    // Tokens not yet consumed by a control-code WAIT_TCTS.
    [[nodiscard]] std::uint64_t tokens_available() const { return tokens_available_; }
    void consume_tokens(std::uint64_t n) { tokens_available_ -= n; }

    // The receive FIFO (meaningful for S2MM channels only).
    StreamInbox& inbox() { return inbox_; }

    // Back to reset state: queue, status, tokens and receive FIFO cleared; a running task is
    // abandoned.
    void reset();

private:
    struct Task {
        unsigned bd = 0;
        unsigned executions = 1;
        bool token = false;
    };

    void thread();
    bool run_task(const Task& task, const AbortCheck& abort);
    bool run_bd(unsigned bd_index, unsigned& next, bool& has_next, const AbortCheck& abort);
    bool check_bd(const BufferDescriptor& bd, unsigned bd_index, std::uint64_t base);
    bool send(const BufferDescriptor& bd, std::uint64_t base, const AbortCheck& abort);
    bool receive(const BufferDescriptor& bd, std::uint64_t base, const AbortCheck& abort);
    bool acquire_lock(const BdLock& lock, const AbortCheck& abort);
    bool release_lock(const BdLock& lock);
    // Halts the channel with an error; always returns false (for `return halt(...)`).
    bool halt(DmaError code, const std::string& message, std::uint32_t info = 0);
    [[nodiscard]] std::uint32_t rate() const;

    Tile& tile_;
    DmaDir dir_;
    unsigned index_;
    ResetDomain domain_;
    std::deque<Task> queue_;
    sc_core::sc_event queue_event_;
    StreamInbox inbox_;

    bool running_ = false;
    bool halted_ = false;
    bool lock_stall_ = false;
    bool stream_stall_ = false;
    bool overflow_ = false;
    unsigned current_bd_ = 0;
    DmaError error_ = DmaError::none;
    std::uint32_t error_info_ = 0;
    std::uint32_t tokens_issued_ = 0;
    std::uint64_t tokens_available_ = 0;
    std::uint32_t tasks_done_ = 0;
};

} // namespace aie4sim::tiles
