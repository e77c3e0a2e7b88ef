#pragma once
// Writes one uC's control code as aiebu assembly (the text `aiebu-asm -t aie4` reads), for the
// workload builder: register writes become WRITE_32, multi-word blocks (BDs, switch ports,
// core programs) become uC-DMA descriptors moved by one UC_DMA_WRITE_DES_SYNC per run of
// blocks, shim BDs that point into host buffers get an APPLY_OFFSET_57 (from which the
// assembler emits the relocation XRT patches), polls become MASK_POLL_32 and token waits
// WAIT_TCTS. The code is cut into jobs that each fill at most one 8 KiB page, one job per
// page (`.eop`), so the uC runs them strictly in order. Plain C++17.

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace aie4sim::tiles::workload {

class AsmWriter {
public:
    explicit AsmWriter(unsigned uc);

    void write32(std::uint32_t address, std::uint32_t value);
    void block(std::uint32_t address, const std::vector<std::uint32_t>& words);
    // A shim BD whose address words (w0 bits 24:0 high, w1 low) hold an offset into host
    // buffer `argument`: the buffer's address is added by XRT on the host (relocation), or by
    // the uC when the command carries an argument list.
    void host_block(std::uint32_t address, const std::vector<std::uint32_t>& words,
                    unsigned argument);
    void mask_poll(std::uint32_t address, std::uint32_t mask, std::uint32_t value);
    // `actor` as the assembler names it ("SHIM_S2MM_0", ...).
    void wait_tcts(unsigned col, unsigned row, const std::string& actor, unsigned count);

    [[nodiscard]] bool empty() const { return instructions_ == 0 && chain_.empty(); }
    [[nodiscard]] unsigned pages() const { return page_ + (job_open_ ? 1 : 0); }
    [[nodiscard]] std::uint64_t instructions() const { return instructions_; }
    // The uC's part of the program: `.attach_to_group`, its jobs, EOF and its data.
    [[nodiscard]] std::string finish();

private:
    struct Piece {
        std::uint32_t address = 0;
        std::vector<std::uint32_t> words;
        int argument = -1; // >= 0: a host BD
    };
    void instruction(const std::string& line, std::uint32_t bytes);
    void flush();
    void room(std::uint32_t text_bytes, std::uint32_t data_bytes);
    void open_job();
    void close_job();

    unsigned uc_;
    std::ostringstream text_;
    std::ostringstream data_;
    std::vector<Piece> chain_;
    std::uint32_t chain_text_ = 0; // text bytes the pending chain will add
    std::uint32_t chain_data_ = 0;
    std::uint32_t page_text_ = 0; // bytes used in the current page
    std::uint32_t page_data_ = 0;
    bool job_open_ = false;
    unsigned page_ = 0;
    unsigned labels_ = 0;
    std::uint64_t instructions_ = 0;
};

// A whole program: the directives, then every non-empty uC.
std::string assemble_text(std::vector<AsmWriter>& ucs, unsigned partition_columns);

} // namespace aie4sim::tiles::workload
