#pragma once
// One CERT uC running its part of a command: it pages its control code in from host memory,
// runs each page's jobs cooperatively (a job runs until it blocks, yields or ends; then the
// next runnable job of the page gets the uC), and drives its uC-DMA. Internal to
// aie_tiles/cert; docs/control-code.md describes the behaviour.

#include "aie_tiles/cert/run_state.h"
#include "aie_tiles/format/cert_isa.h"

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <systemc>
#include <vector>

namespace aie4sim::tiles::cert {

class Uc : public UcView {
public:
    Uc(RunState& run, const UcTask& task, const HostRead& read);

    // The uC's process: returns when its last page ended, or the run failed or was stopped.
    void main();

    [[nodiscard]] bool can_progress() const override;
    [[nodiscard]] bool finished() const override { return state_ == State::finished; }
    [[nodiscard]] std::string describe_wait() const override;

    [[nodiscard]] std::uint64_t instructions() const { return instructions_; }
    [[nodiscard]] std::uint64_t pages() const { return pages_; }

private:
    enum class State { loading, running, idle, finished };
    enum class Wait {
        none,
        launch,         // a deferred job not launched yet
        dma,            // WAIT_UC_DMA / UC_DMA_WRITE_DES_SYNC
        dma_queue,      // the uC-DMA queue is full
        tokens,         // WAIT_TCTS
        poll,           // POLL_32 / MASK_POLL_32 / REL_ACQ_SYNC
        local_barrier,  // LOCAL_BARRIER
        remote_barrier, // REMOTE_BARRIER
    };
    struct JobRun {
        const Job* job = nullptr;
        std::size_t pc = 0; // index into page_.text
        bool done = false;
        Wait wait = Wait::none;
        sc_core::sc_time since;      // when the current wait began
        sc_core::sc_time next_check; // polls: when to read again
        std::uint64_t handle = 0;    // dma: the transfer; barriers: the generation
        unsigned barrier = 0;
        std::array<std::uint32_t, kLocalRegisters> regs{};
    };
    struct DmaPiece {
        std::uint64_t address = 0; // array address
        std::vector<std::uint8_t> bytes;
        std::uint32_t descriptor = 0; // @offset of its descriptor, for messages
    };
    struct DmaTransfer {
        std::uint64_t handle = 0;
        sc_core::sc_time done_at;
        std::vector<DmaPiece> pieces;
        std::string where;
    };
    struct LocalBarrier {
        unsigned parties = 0;
        unsigned arrived = 0;
        std::uint64_t generation = 0;
    };
    enum class Step { next, stay, blocked, yielded, ended, failed };
    enum class Unblock { still, next, retry };

    bool load_page(std::uint16_t index, std::uint32_t length);
    bool run_page();
    bool idle_wait();
    Step run_job(JobRun& job);
    Step execute(JobRun& job, const Instruction& ins);
    Unblock try_unblock(JobRun& job);
    bool finish_dma();
    bool apply_due_dma();

    // Helpers for instructions.
    bool fail(Status status, const Instruction& ins, const std::string& why);
    Step stop(Status status, const Instruction& ins, const std::string& why);
    [[nodiscard]] std::string where(const Instruction& ins) const;
    bool array_address(const Instruction& ins, std::uint64_t partition_address, std::uint64_t& out);
    bool read_register(const Instruction& ins, std::uint64_t address, std::uint32_t& value);
    bool write_register(const Instruction& ins, std::uint64_t address, std::uint32_t value);
    bool reg_ok(const Instruction& ins, unsigned r);
    std::uint32_t& reg(JobRun& job, unsigned r);
    Step block(JobRun& job, Wait wait);
    bool enqueue_dma(const Instruction& ins, std::uint64_t& handle);
    bool apply_offset(const Instruction& ins);
    bool poll_once(JobRun& job, const Instruction& ins, bool& matched);
    Step start_poll(JobRun& job, const Instruction& ins);
    [[nodiscard]] sc_core::sc_time next_poll_time() const;
    void spend(std::uint64_t cycles);

    RunState& run_;
    UcTask task_;
    const HostRead& read_;
    State state_ = State::loading;
    std::vector<std::uint8_t> bytes_; // the current page, as the uC's data memory holds it
    Page page_;
    std::uint16_t page_index_ = 0;
    std::vector<JobRun> jobs_;
    std::array<std::uint32_t, kRegisters - kLocalRegisters> globals_{};
    std::array<LocalBarrier, kLocalBarriers> local_{};
    std::deque<DmaTransfer> dma_;
    std::uint64_t dma_issued_ = 0;
    std::uint64_t dma_done_ = 0;
    sc_core::sc_time dma_free_at_;
    std::uint64_t instructions_ = 0;
    std::uint64_t pages_ = 0;
};

} // namespace aie4sim::tiles::cert
