#include "aie_tiles/format/cert_isa.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace aie4sim::tiles::cert {

namespace {

std::string hex(std::uint64_t v) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(v));
    return text;
}

std::uint16_t u16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}

std::uint32_t u32(const std::uint8_t* p) {
    std::uint32_t v = 0;
    std::memcpy(&v, p, 4);
    return v;
}

constexpr std::array<OpInfo, kOpCount> kOps = {{
    {Opcode::start_job, "START_JOB", 8},
    {Opcode::uc_dma_write_des, "UC_DMA_WRITE_DES", 8},
    {Opcode::wait_uc_dma, "WAIT_UC_DMA", 4},
    {Opcode::mask_write_32, "MASK_WRITE_32", 16},
    {Opcode::load_cores, "LOAD_CORES", 12},
    {Opcode::write_32, "WRITE_32", 12},
    {Opcode::wait_tcts, "WAIT_TCTS", 8},
    {Opcode::end_job, "END_JOB", 4},
    {Opcode::yield, "YIELD", 4},
    {Opcode::uc_dma_write_des_sync, "UC_DMA_WRITE_DES_SYNC", 4},
    {Opcode::write_32_d, "WRITE_32_D", 12},
    {Opcode::read_32, "READ_32", 8},
    {Opcode::read_32_d, "READ_32_D", 4},
    {Opcode::apply_offset_57, "APPLY_OFFSET_57", 8},
    {Opcode::add, "ADD", 8},
    {Opcode::mov, "MOV", 8},
    {Opcode::local_barrier, "LOCAL_BARRIER", 4},
    {Opcode::remote_barrier, "REMOTE_BARRIER", 8},
    {Opcode::poll_32, "POLL_32", 12},
    {Opcode::mask_poll_32, "MASK_POLL_32", 16},
    {Opcode::trace, "TRACE", 4},
    {Opcode::nop, "NOP", 4},
    {Opcode::start_job_deferred, "START_JOB_DEFERRED", 8},
    {Opcode::launch_job, "LAUNCH_JOB", 4},
    {Opcode::preempt, "PREEMPT", 8},
    {Opcode::load_pdi, "LOAD_PDI", 12},
    {Opcode::load_last_pdi, "LOAD_LAST_PDI", 4},
    {Opcode::save_timestamps, "SAVE_TIMESTAMPS", 8},
    {Opcode::sleep, "SLEEP", 8},
    {Opcode::save_register, "SAVE_REGISTER", 12},
    {Opcode::start_cond_job_preempt, "START_COND_JOB_PREEMPT", 8},
    {Opcode::load_cores_cp, "LOAD_CORES_CP", 8},
    {Opcode::rel_acq_sync, "REL_ACQ_SYNC", 12},
    {Opcode::eof, "EOF", 4},
}};

Instruction decode_at(const std::uint8_t* page, std::uint32_t offset, const OpInfo& info) {
    const std::uint8_t* b = page + offset;
    Instruction i;
    i.opcode = info.opcode;
    i.offset = offset;
    i.size = info.size;
    switch (info.opcode) {
    case Opcode::start_job:
    case Opcode::start_job_deferred:
    case Opcode::start_cond_job_preempt:
        i.id = u16(b + 2);
        i.size_field = u16(b + 4);
        break;
    case Opcode::uc_dma_write_des:
        i.reg = b[2];
        i.pointer = u16(b + 4);
        break;
    case Opcode::wait_uc_dma:
        i.reg = b[2];
        break;
    case Opcode::mask_write_32:
    case Opcode::mask_poll_32:
        i.address = u32(b + 4);
        i.mask = u32(b + 8);
        i.value = u32(b + 12);
        break;
    case Opcode::write_32:
    case Opcode::poll_32:
    case Opcode::save_register:
    case Opcode::rel_acq_sync:
        i.address = u32(b + 4);
        i.value = u32(b + 8);
        break;
    case Opcode::wait_tcts:
        i.id = u16(b + 2);
        i.reg = b[4];
        i.count = b[6];
        break;
    case Opcode::uc_dma_write_des_sync:
        i.pointer = u16(b + 2);
        break;
    case Opcode::write_32_d:
        i.flags = b[2];
        i.address = u32(b + 4);
        i.value = u32(b + 8);
        break;
    case Opcode::read_32:
        i.reg = b[2];
        i.address = u32(b + 4);
        break;
    case Opcode::read_32_d:
        i.reg = b[2];
        i.reg2 = b[3];
        break;
    case Opcode::apply_offset_57:
        i.pointer = u16(b + 2);
        i.count = u16(b + 4);
        i.id = u16(b + 6);
        break;
    case Opcode::add:
    case Opcode::mov:
        i.reg = b[2];
        i.value = u32(b + 4);
        break;
    case Opcode::local_barrier:
        i.reg = b[2];
        i.count = b[3];
        break;
    case Opcode::remote_barrier:
        i.reg = b[2];
        i.mask = u32(b + 4);
        break;
    case Opcode::trace:
    case Opcode::launch_job:
        i.id = u16(b + 2);
        break;
    case Opcode::preempt:
        i.id = u16(b + 2);
        i.pointer = u16(b + 4);
        i.count = u16(b + 6);
        break;
    case Opcode::load_pdi:
    case Opcode::load_cores:
        i.value = u32(b + 4);
        i.pointer = u16(b + 8);
        break;
    case Opcode::load_cores_cp:
    case Opcode::save_timestamps:
    case Opcode::sleep:
        i.value = u32(b + 4);
        break;
    case Opcode::end_job:
    case Opcode::yield:
    case Opcode::nop:
    case Opcode::load_last_pdi:
    case Opcode::eof:
        break;
    }
    return i;
}

std::string reg_name(unsigned r) {
    return "$r" + std::to_string(r);
}

} // namespace

const std::array<OpInfo, kOpCount>& all_ops() {
    return kOps;
}

const OpInfo* op_info(std::uint8_t opcode) {
    for (const OpInfo& o : kOps) {
        if (static_cast<std::uint8_t>(o.opcode) == opcode) {
            return &o;
        }
    }
    return nullptr;
}

const char* op_name(Opcode opcode) {
    const OpInfo* o = op_info(static_cast<std::uint8_t>(opcode));
    return o != nullptr ? o->name : "?";
}

bool starts_job(Opcode op) {
    return op == Opcode::start_job || op == Opcode::start_job_deferred ||
           op == Opcode::start_cond_job_preempt;
}

PageHeader read_page_header(const std::uint8_t* d) {
    PageHeader h;
    h.magic = u16(d);
    h.page_index = u16(d + 2);
    h.ooo_page_len_1 = u16(d + 4);
    h.ooo_page_len_2 = u16(d + 6);
    h.cur_page_len = u16(d + 8);
    h.in_order_page_len = u16(d + 10);
    return h;
}

std::optional<ActorChannel> actor_channel(TileKind kind, unsigned actor) {
    switch (kind) {
    case TileKind::shim:
        if (actor == 0) {
            return ActorChannel{DmaDir::s2mm, 0};
        }
        if (actor == 2) {
            return ActorChannel{DmaDir::s2mm, 1};
        }
        if (actor >= 6 && actor < 6 + kShimResources.mm2s_channels) {
            return ActorChannel{DmaDir::mm2s, actor - 6};
        }
        return std::nullopt;
    case TileKind::mem:
        if (actor < kMemResources.s2mm_channels) {
            return ActorChannel{DmaDir::s2mm, actor};
        }
        if (actor >= 16 && actor <= 20) {
            return ActorChannel{DmaDir::mm2s, actor - 16};
        }
        if (actor >= 22 && actor <= 26) {
            return ActorChannel{DmaDir::mm2s, actor - 17};
        }
        return std::nullopt;
    case TileKind::core:
        if (actor < kCoreResources.s2mm_channels) {
            return ActorChannel{DmaDir::s2mm, actor};
        }
        if (actor == 6) {
            return ActorChannel{DmaDir::mm2s, 0};
        }
        return std::nullopt;
    }
    return std::nullopt;
}

std::optional<unsigned> channel_actor(TileKind kind, DmaDir dir, unsigned channel) {
    if (channel >= channel_count(kind, dir)) {
        return std::nullopt;
    }
    switch (kind) {
    case TileKind::shim:
        return dir == DmaDir::s2mm ? (channel == 0 ? 0u : 2u) : 6u + channel;
    case TileKind::mem:
        return dir == DmaDir::s2mm ? channel : (channel < 5 ? 16u + channel : 17u + channel);
    case TileKind::core:
        return dir == DmaDir::s2mm ? channel : 6u;
    }
    return std::nullopt;
}

std::string actor_name(TileKind kind, DmaDir dir, unsigned channel) {
    const char* prefix =
        kind == TileKind::shim ? "SHIM_" : (kind == TileKind::mem ? "MEM_" : "TILE_");
    return std::string(prefix) + (dir == DmaDir::s2mm ? "S2MM_" : "MM2S_") +
           std::to_string(channel);
}

PageDecode decode_page(const std::uint8_t* data, std::size_t size, std::uint16_t expected_index) {
    PageDecode r;
    const std::string page = "page " + std::to_string(expected_index);
    auto fail = [&](std::string why) {
        r.ok = false;
        r.error = page + ": " + std::move(why);
        return r;
    };
    if (size < kPageHeaderSize) {
        return fail(std::to_string(size) + " bytes: shorter than the 16-byte page header");
    }
    const PageHeader h = read_page_header(data);
    r.page.header = h;
    if (h.magic != kPageMagic) {
        return fail("header magic " + hex(h.magic) + ", not 0xffff: not a control-code page");
    }
    if (h.page_index != expected_index) {
        return fail("header says page " + std::to_string(h.page_index) + ", expected " +
                    std::to_string(expected_index));
    }
    if (h.cur_page_len < kPageHeaderSize + 4 || h.cur_page_len > kPageSize ||
        h.cur_page_len % 4 != 0 || h.cur_page_len > size) {
        return fail("cur_page_len " + std::to_string(h.cur_page_len) + " (a multiple of 4, " +
                    std::to_string(kPageHeaderSize + 4) + ".." + std::to_string(kPageSize) +
                    ", within the " + std::to_string(size) + " bytes fetched)");
    }
    if (h.in_order_page_len != 0 &&
        (h.in_order_page_len < kPageHeaderSize + 4 || h.in_order_page_len > kPageSize)) {
        return fail("in_order_page_len " + std::to_string(h.in_order_page_len) +
                    " is not the length of a page");
    }
    std::uint32_t off = kPageHeaderSize;
    bool in_job = false;
    for (;;) {
        if (off + 4 > h.cur_page_len) {
            return fail("no EOF within cur_page_len " + std::to_string(h.cur_page_len));
        }
        const OpInfo* info = op_info(data[off]);
        if (info == nullptr) {
            return fail("byte " + std::to_string(off) + ": unknown opcode " + hex(data[off]));
        }
        if (off + info->size > h.cur_page_len) {
            return fail("byte " + std::to_string(off) + ": " + info->name +
                        " runs past cur_page_len " + std::to_string(h.cur_page_len));
        }
        const Instruction ins = decode_at(data, off, *info);
        const std::string at = "byte " + std::to_string(off) + " (" + info->name + ")";
        if (starts_job(ins.opcode)) {
            if (in_job) {
                return fail(at + ": job " + std::to_string(r.page.jobs.back().id) +
                            " has no END_JOB before it");
            }
            for (const Job& j : r.page.jobs) {
                if (j.id == ins.id) {
                    return fail(at + ": job id " + std::to_string(ins.id) + " used twice");
                }
            }
            Job j;
            j.id = ins.id;
            j.kind = ins.opcode == Opcode::start_job
                         ? JobKind::immediate
                         : (ins.opcode == Opcode::start_job_deferred ? JobKind::deferred
                                                                     : JobKind::conditional);
            j.first = r.page.text.size() + 1;
            r.page.jobs.push_back(j);
            in_job = true;
        } else if (ins.opcode == Opcode::end_job) {
            if (!in_job) {
                return fail(at + ": outside a job");
            }
            Job& j = r.page.jobs.back();
            j.end = r.page.text.size();
            const Instruction& start = r.page.text[j.first - 1];
            // The assembler's job size spans START_JOB to END_JOB, both included.
            const std::uint32_t span = off + info->size - start.offset;
            if (start.size_field != span) {
                return fail("byte " + std::to_string(start.offset) + ": job " +
                            std::to_string(j.id) + " declares " + std::to_string(start.size_field) +
                            " bytes, it spans " + std::to_string(span) + " to its END_JOB");
            }
            in_job = false;
        } else if (ins.opcode == Opcode::eof) {
            if (in_job) {
                return fail(at + ": job " + std::to_string(r.page.jobs.back().id) +
                            " has no END_JOB");
            }
            r.page.text.push_back(ins);
            break;
        } else if (!in_job) {
            return fail(at + ": outside a job");
        }
        r.page.text.push_back(ins);
        off += info->size;
    }
    for (const Instruction& ins : r.page.text) {
        if (ins.opcode != Opcode::launch_job) {
            continue;
        }
        const auto j = std::find_if(r.page.jobs.begin(), r.page.jobs.end(),
                                    [&](const Job& job) { return job.id == ins.id; });
        if (j == r.page.jobs.end() || j->kind != JobKind::deferred) {
            return fail("byte " + std::to_string(ins.offset) + " (LAUNCH_JOB " +
                        std::to_string(ins.id) + "): no deferred job " + std::to_string(ins.id) +
                        " in this page");
        }
    }
    r.ok = true;
    return r;
}

UcDmaBd decode_uc_dma_bd(const std::uint8_t* d) {
    UcDmaBd bd;
    const std::uint32_t w0 = u32(d);
    bd.words = w0 & 0x7FFF;
    bd.next = (w0 >> 16) & 1;
    bd.external = (w0 >> 17) & 1;
    bd.local_relative = (w0 >> 18) & 1;
    bd.local = u32(d + 4);
    bd.remote = (std::uint64_t{u32(d + 12) & 0x1FFFFFFF} << 32) | u32(d + 8);
    return bd;
}

std::string format_instruction(const Instruction& i) {
    std::string s = op_name(i.opcode);
    auto args = [&](std::initializer_list<std::string> list) {
        bool first = true;
        for (const std::string& a : list) {
            s += (first ? " " : ", ") + a;
            first = false;
        }
    };
    switch (i.opcode) {
    case Opcode::start_job:
    case Opcode::start_job_deferred:
    case Opcode::start_cond_job_preempt:
    case Opcode::launch_job:
    case Opcode::trace:
        args({std::to_string(i.id)});
        break;
    case Opcode::uc_dma_write_des:
        args({reg_name(i.reg), "@" + hex(i.pointer)});
        break;
    case Opcode::wait_uc_dma:
        args({reg_name(i.reg)});
        break;
    case Opcode::uc_dma_write_des_sync:
        args({"@" + hex(i.pointer)});
        break;
    case Opcode::mask_write_32:
    case Opcode::mask_poll_32:
        args({hex(i.address), hex(i.mask), hex(i.value)});
        break;
    case Opcode::write_32:
    case Opcode::poll_32:
    case Opcode::rel_acq_sync:
        args({hex(i.address), hex(i.value)});
        break;
    case Opcode::save_register:
        args({hex(i.address), std::to_string(i.value)});
        break;
    case Opcode::write_32_d:
        args({std::to_string(i.flags), hex(i.address), hex(i.value)});
        break;
    case Opcode::read_32:
        args({reg_name(i.reg), hex(i.address)});
        break;
    case Opcode::read_32_d:
        args({reg_name(i.reg), reg_name(i.reg2)});
        break;
    case Opcode::wait_tcts: {
        // Actor names as the default geometry's rows name them (0 shim, 1 memory tile, cores).
        const unsigned row = i.id & 0x1F;
        const Geometry g;
        const auto ch = row < g.rows() ? actor_channel(g.kind(row), i.reg) : std::nullopt;
        args({"TILE_" + std::to_string(i.id >> 5) + "_" + std::to_string(row),
              ch ? actor_name(g.kind(row), ch->dir, ch->channel) : "actor " + std::to_string(i.reg),
              std::to_string(i.count)});
    } break;
    case Opcode::apply_offset_57:
        // The assembler's operand is the argument index; the encoding holds its word offset.
        args({"@" + hex(i.pointer), std::to_string(i.count),
              i.id == kPatchControlCode ? std::string("0xffff") : std::to_string(i.id / 2)});
        break;
    case Opcode::add:
    case Opcode::mov:
        args({reg_name(i.reg), hex(i.value)});
        break;
    case Opcode::local_barrier:
        args({"$lb" + std::to_string(i.reg), std::to_string(i.count)});
        break;
    case Opcode::remote_barrier:
        args({"$rb" + std::to_string(i.reg - 1), hex(i.mask)});
        break;
    case Opcode::preempt:
        args({std::to_string(i.id), std::to_string(i.pointer), std::to_string(i.count)});
        break;
    case Opcode::load_pdi:
    case Opcode::load_cores:
        args({std::to_string(i.value), "page " + std::to_string(i.pointer)});
        break;
    case Opcode::load_cores_cp:
    case Opcode::save_timestamps:
    case Opcode::sleep:
        args({std::to_string(i.value)});
        break;
    case Opcode::end_job:
    case Opcode::yield:
    case Opcode::nop:
    case Opcode::load_last_pdi:
    case Opcode::eof:
        break;
    }
    return s;
}

std::string disassemble_page(const std::uint8_t* data, std::size_t size) {
    if (size < kPageHeaderSize) {
        return "(" + std::to_string(size) + " bytes: no page header)\n";
    }
    const PageHeader h = read_page_header(data);
    const PageDecode d = decode_page(data, size, h.page_index);
    std::string out = "page " + std::to_string(h.page_index) + ": cur_page_len " +
                      std::to_string(h.cur_page_len) + ", next " +
                      std::to_string(h.in_order_page_len) + "\n";
    if (!d.ok) {
        return out + "  " + d.error + "\n";
    }
    std::uint32_t text_end = kPageHeaderSize;
    for (const Instruction& i : d.page.text) {
        const bool body =
            !starts_job(i.opcode) && i.opcode != Opcode::end_job && i.opcode != Opcode::eof;
        out += std::string(body ? "    " : "  ") + format_instruction(i) + "\n";
        text_end = i.offset + i.size;
    }
    for (std::uint32_t off = text_end; off + 4 <= h.cur_page_len; off += 4) {
        out += "  @" + hex(off - kPageHeaderSize) + " .long " + hex(u32(data + off)) + "\n";
    }
    return out;
}

} // namespace aie4sim::tiles::cert
