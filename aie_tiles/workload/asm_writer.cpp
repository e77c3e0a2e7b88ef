#include "aie_tiles/workload/asm_writer.h"

#include "aie_tiles/workload/workload.h"

#include <cstdio>

namespace aie4sim::tiles::workload {

namespace {

// What one page may hold besides its 16-byte header, EOF and the alignment of its data
// section, with a margin: the assembler's pager refuses a job that does not fit a page.
constexpr std::uint32_t kPageBudget = 8192 - 16 - 4 - 12 - 32;
constexpr std::uint32_t kJobFrame = 8 + 4; // START_JOB + END_JOB
constexpr std::uint32_t kDescriptorBytes = 16;
constexpr std::uint32_t kSyncBytes = 4;
constexpr std::uint32_t kApplyOffsetBytes = 8;

std::string hex(std::uint32_t v) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%x", v);
    return text;
}

} // namespace

AsmWriter::AsmWriter(unsigned uc) : uc_(uc) {}

void AsmWriter::open_job() {
    if (job_open_) {
        return;
    }
    text_ << "START_JOB " << page_ << "\n";
    page_text_ = kJobFrame;
    page_data_ = 0;
    job_open_ = true;
}

void AsmWriter::close_job() {
    if (!job_open_) {
        return;
    }
    text_ << "END_JOB\n.eop\n";
    job_open_ = false;
    ++page_;
}

void AsmWriter::room(std::uint32_t text_bytes, std::uint32_t data_bytes) {
    open_job();
    if (page_text_ + page_data_ + text_bytes + data_bytes <= kPageBudget) {
        return;
    }
    close_job();
    open_job();
    if (page_text_ + text_bytes + data_bytes > kPageBudget) {
        throw BuildError("one control-code step needs " + std::to_string(text_bytes + data_bytes) +
                         " bytes: more than a page");
    }
}

void AsmWriter::instruction(const std::string& line, std::uint32_t bytes) {
    flush();
    room(bytes, 0);
    text_ << "  " << line << "\n";
    page_text_ += bytes;
    ++instructions_;
}

void AsmWriter::write32(std::uint32_t address, std::uint32_t value) {
    instruction("WRITE_32 " + hex(address) + ", " + hex(value), 12);
}

void AsmWriter::mask_poll(std::uint32_t address, std::uint32_t mask, std::uint32_t value) {
    instruction("MASK_POLL_32 " + hex(address) + ", " + hex(mask) + ", " + hex(value), 16);
}

void AsmWriter::wait_tcts(unsigned col, unsigned row, const std::string& actor, unsigned count) {
    // The target count is 8 bits wide.
    while (count > 0) {
        const unsigned n = count > 255 ? 255 : count;
        instruction("WAIT_TCTS TILE_" + std::to_string(col) + "_" + std::to_string(row) + ", " +
                        actor + ", " + std::to_string(n),
                    8);
        count -= n;
    }
}

void AsmWriter::block(std::uint32_t address, const std::vector<std::uint32_t>& words) {
    if (words.empty()) {
        return;
    }
    if (words.size() > 0x7FFF) {
        throw BuildError("a uC-DMA descriptor moves at most 32767 words, not " +
                         std::to_string(words.size()));
    }
    host_block(address, words, ~0u);
}

void AsmWriter::host_block(std::uint32_t address, const std::vector<std::uint32_t>& words,
                           unsigned argument) {
    const bool host = argument != ~0u;
    const auto data = static_cast<std::uint32_t>(kDescriptorBytes + 4 * words.size());
    auto text = [&] {
        return (host ? kApplyOffsetBytes : 0u) + (chain_.empty() ? kSyncBytes : 0u);
    };
    open_job();
    if (page_text_ + page_data_ + chain_text_ + chain_data_ + text() + data > kPageBudget) {
        flush();
        room(text(), data);
    }
    Piece p;
    p.address = address;
    p.words = words;
    p.argument = host ? static_cast<int>(argument) : -1;
    chain_text_ += text();
    chain_data_ += data;
    chain_.push_back(std::move(p));
}

void AsmWriter::flush() {
    if (chain_.empty()) {
        return;
    }
    open_job();
    const std::string base = "u" + std::to_string(uc_) + "_c" + std::to_string(labels_++);
    for (std::size_t i = 0; i < chain_.size(); ++i) {
        if (chain_[i].argument >= 0) {
            text_ << "  APPLY_OFFSET_57 @" << base << "_d" << i << ", 1, " << chain_[i].argument
                  << "\n";
            ++instructions_;
        }
    }
    text_ << "  UC_DMA_WRITE_DES_SYNC @" << base << "\n";
    ++instructions_;
    data_ << ".align 16\n" << base << ":\n";
    for (std::size_t i = 0; i < chain_.size(); ++i) {
        data_ << "  UC_DMA_BD 0, " << hex(chain_[i].address) << ", @" << base << "_d" << i << ", "
              << chain_[i].words.size() << ", 0, " << (i + 1 < chain_.size() ? 1 : 0) << "\n";
    }
    for (std::size_t i = 0; i < chain_.size(); ++i) {
        data_ << ".align 4\n" << base << "_d" << i << ":\n";
        for (const std::uint32_t w : chain_[i].words) {
            data_ << "  .long " << hex(w) << "\n";
        }
    }
    page_text_ += chain_text_;
    page_data_ += chain_data_;
    chain_text_ = 0;
    chain_data_ = 0;
    chain_.clear();
}

std::string AsmWriter::finish() {
    flush();
    close_job();
    return ".attach_to_group " + std::to_string(uc_) + "\n" + text_.str() + "EOF\n" + data_.str();
}

std::string assemble_text(std::vector<AsmWriter>& ucs, unsigned partition_columns) {
    std::string out = "; generated by the aie4sim workload builder\n.target aie4\n.partition " +
                      std::to_string(partition_columns) + "column\n";
    for (AsmWriter& uc : ucs) {
        if (!uc.empty()) {
            out += uc.finish();
        }
    }
    return out;
}

} // namespace aie4sim::tiles::workload
