#pragma once
// AMD's control-code ISA: the CERT "job-runner" instruction set (Xilinx/aiebu
// specification/aie2ps/isa-spec.yaml plus the aie4 additions), as `aiebu-asm -t aie4` encodes
// it, in plain C++ (no SystemC) so that the model, the tools and the tests share one decoder.
// docs/control-code.md describes every instruction and what the model does with it.
//
// Control code is a sequence of 8 KiB pages per uC. A page is a 16-byte header, then text
// (jobs: START_JOB .. END_JOB, then EOF), then 16-byte aligned data (uC-DMA descriptors and
// the words they copy). `@label` operands are byte offsets from the end of the page header.
// All numbers are little-endian.

#include "aie_tiles/format/geometry.h"
#include "aie_tiles/format/register_map.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace aie4sim::tiles::cert {

inline constexpr std::uint32_t kPageSize = 8192;
inline constexpr std::uint32_t kPageHeaderSize = 16;
inline constexpr std::uint16_t kPageMagic = 0xFFFF;
inline constexpr std::uint32_t kUcDmaBdSize = 16;
inline constexpr std::uint16_t kPatchControlCode = 0xFFFF; // APPLY_OFFSET_57: code base
inline constexpr unsigned kLocalRegisters = 8;             // r0..r7, per job
inline constexpr unsigned kRegisters = 24;                 // r8..r23 are global to the uC
inline constexpr unsigned kLocalBarriers = 16;             // $lb0..15
inline constexpr unsigned kRemoteBarriers = 64;            // $rb0..63, encoded 1..64

enum class Opcode : std::uint8_t {
    start_job = 0x00,
    uc_dma_write_des = 0x01,
    wait_uc_dma = 0x02,
    mask_write_32 = 0x03,
    load_cores = 0x04,
    write_32 = 0x05,
    wait_tcts = 0x06,
    end_job = 0x07,
    yield = 0x08,
    uc_dma_write_des_sync = 0x09,
    write_32_d = 0x0b,
    read_32 = 0x0c,
    read_32_d = 0x0d,
    apply_offset_57 = 0x0e,
    add = 0x0f,
    mov = 0x10,
    local_barrier = 0x11,
    remote_barrier = 0x12,
    poll_32 = 0x13,
    mask_poll_32 = 0x14,
    trace = 0x15,
    nop = 0x16,
    start_job_deferred = 0x17,
    launch_job = 0x18,
    preempt = 0x19,
    load_pdi = 0x1a,
    load_last_pdi = 0x1b,
    save_timestamps = 0x1c,
    sleep = 0x1d,
    save_register = 0x1e,
    start_cond_job_preempt = 0x1f,
    load_cores_cp = 0x20,
    rel_acq_sync = 0x21,
    eof = 0xff,
};

struct OpInfo {
    Opcode opcode;
    const char* name;  // mnemonic as aiebu writes it
    std::uint8_t size; // bytes
};
// nullptr for an opcode the ISA does not define.
const OpInfo* op_info(std::uint8_t opcode);
const char* op_name(Opcode opcode);
// Every opcode the ISA defines, in opcode order.
inline constexpr std::size_t kOpCount = 34;
const std::array<OpInfo, kOpCount>& all_ops();
[[nodiscard]] bool starts_job(Opcode op);

// One decoded instruction. Which fields mean what, per opcode (docs/control-code.md):
//   START_JOB*:      id = job id, size = job size
//   UC_DMA_WRITE_DES: reg = wait handle register, pointer
//   WAIT_UC_DMA:     reg
//   UC_DMA_WRITE_DES_SYNC: pointer
//   MASK_WRITE_32 / MASK_POLL_32: address, mask, value
//   WRITE_32 / POLL_32: address, value
//   WRITE_32_D:      flags (bit 0 address immediate, bit 1 value immediate), address, value
//   READ_32:         reg (destination), address
//   READ_32_D:       reg (address register), reg2 (destination)
//   WAIT_TCTS:       id = tile (column << 5 | row), reg = actor, count
//   APPLY_OFFSET_57: pointer = BD table, count = entries, id = argument word offset
//   ADD / MOV:       reg, value
//   LOCAL_BARRIER:   reg = barrier, count = parties
//   REMOTE_BARRIER:  reg = barrier (1..64), mask = party columns
//   TRACE:           id = info;  LAUNCH_JOB: id = job
//   SAVE_TIMESTAMPS / LOAD_CORES_CP: value = id;  SLEEP: value = microseconds
//   SAVE_REGISTER:   address, value = id;  REL_ACQ_SYNC: address = release, value = acquire
//   LOAD_PDI / LOAD_CORES: value = id, pointer = page;  PREEMPT: id, pointer = save page,
//                    count = restore page
struct Instruction {
    Opcode opcode = Opcode::nop;
    std::uint32_t offset = 0; // byte offset in the page (header included)
    std::uint32_t size = 0;
    std::uint16_t id = 0;
    std::uint16_t size_field = 0;
    std::uint16_t pointer = 0;
    std::uint16_t count = 0;
    std::uint8_t reg = 0;
    std::uint8_t reg2 = 0;
    std::uint8_t flags = 0;
    std::uint32_t address = 0;
    std::uint32_t mask = 0;
    std::uint32_t value = 0;
};

struct PageHeader {
    std::uint16_t magic = 0;
    std::uint16_t page_index = 0;
    std::uint16_t ooo_page_len_1 = 0;
    std::uint16_t ooo_page_len_2 = 0;
    std::uint16_t cur_page_len = 0;      // bytes of this page in use, header included
    std::uint16_t in_order_page_len = 0; // cur_page_len of the next page; 0: last page
};
PageHeader read_page_header(const std::uint8_t* data);

enum class JobKind { immediate, deferred, conditional };

struct Job {
    std::uint16_t id = 0;
    JobKind kind = JobKind::immediate;
    std::size_t first = 0; // index in Page::text of the job's first instruction after START
    std::size_t end = 0;   // index of its END_JOB
};

struct Page {
    PageHeader header;
    std::vector<Instruction> text; // every instruction, in order, EOF last
    std::vector<Job> jobs;         // in page order
};

struct PageDecode {
    bool ok = false;
    std::string error; // names the page, byte offset and instruction
    Page page;
};

// Decodes and checks one page: header (magic, index, lengths), every instruction (known
// opcode, inside cur_page_len), the job structure (START .. END, no nesting, EOF outside
// jobs, unique ids, sizes as the assembler writes them) and LAUNCH_JOB targets.
PageDecode decode_page(const std::uint8_t* data, std::size_t size, std::uint16_t expected_index);

// A uC-DMA descriptor (UC_DMA_BD directive, 16 bytes in the page data): copy `words` 32-bit
// words from the page to the AXI-MM address `remote`.
struct UcDmaBd {
    std::uint32_t words = 0;
    bool next = false;     // another descriptor follows at +16
    bool external = false; // the source is not in the page (not modelled)
    bool local_relative = false;
    std::uint32_t local = 0; // word 1: the source, relative to this descriptor when local_relative
    std::uint64_t remote = 0;
};
UcDmaBd decode_uc_dma_bd(const std::uint8_t* data);

// WAIT_TCTS tile and actor ids (aie4): tile = column << 5 | row (rows as geometry.h counts
// them: 0 shim, 1.. memory tiles, then cores); actors number each kind's DMA channels.
inline constexpr std::uint16_t tile_id(unsigned col, unsigned row) {
    return static_cast<std::uint16_t>((col << 5) | (row & 0x1F));
}
struct ActorChannel {
    DmaDir dir = DmaDir::s2mm;
    unsigned channel = 0;
};
std::optional<ActorChannel> actor_channel(TileKind kind, unsigned actor);
std::optional<unsigned> channel_actor(TileKind kind, DmaDir dir, unsigned channel);
// The assembler's name of a channel's actor, e.g. "SHIM_S2MM_0", "MEM_MM2S_5", "TILE_S2MM_1".
std::string actor_name(TileKind kind, DmaDir dir, unsigned channel);

// One line per instruction of a page, then its data words; for tools and error reports.
std::string disassemble_page(const std::uint8_t* data, std::size_t size);
// The same instruction as aiebu writes it (operands in asm order).
std::string format_instruction(const Instruction& instruction);

} // namespace aie4sim::tiles::cert
