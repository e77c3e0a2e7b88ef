// aie4sim-accel-test: the driver's user-space interface on one VF, through Debian's 7.3.4
// UAPI (drm/amdxdna_accel.h), without XRT: open /dev/accel/accelN, query the AIE metadata and
// check it against what the device is configured with, create buffer objects and a hardware
// context with a user-mode queue, map and ring its doorbell, destroy everything.
//
//   aie4sim-accel-test BDF [--cols N] [--rows N] [--core-rows N] [--mem-rows N]
//                          [--contexts N]
//   aie4sim-accel-test BDF gemm M K N [--type int8|bf16] [--seed S] [--repeat R] [--elf FILE]
//                          [--device-patch]
//        builds the GEMM for the VF's array (aie_tiles/workload, the same builder as the model's
//        tools), takes its control-code ELF from FILE or assembles it with aiebu-asm
//        ($AIE4SIM_AIEBU_ASM, else /usr/bin/aiebu-asm), loads it and patches the buffers'
//        addresses in as XRT does (or, with --device-patch, passes them as the argument list for
//        the uCs' APPLY_OFFSET_57), submits it R times as XRT's shim would (START_DPU command
//        BO, queue 1.0 packet, doorbell), waits with DRM_IOCTL_AMDXDNA_WAIT_CMD, checks the
//        command state and the result against the CPU reference, and prints the simulated time
//        the device reports.
#include "aie_tiles/workload/aiebu_tool.h"
#include "aie_tiles/workload/control_elf.h"
#include "aie_tiles/workload/workload.h"
#include "aie_tiles/workload/workload_data.h"
#include "models/queue/ert_command.h"
#include "models/queue/host_queue.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <drm/amdxdna_accel.h>
#include <fcntl.h>
#include <string>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

namespace {

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "aie4sim-accel-test: FAIL: %s (%s)\n", what.c_str(), std::strerror(errno));
    std::exit(1);
}

std::string accel_node(const std::string& bdf) {
    const std::string dir = "/sys/bus/pci/devices/" + bdf + "/accel";
    DIR* d = opendir(dir.c_str());
    if (d == nullptr) {
        fail("no accel device under " + dir + " (is amdxdna bound?)");
    }
    std::string node;
    while (dirent* e = readdir(d)) {
        if (std::strncmp(e->d_name, "accel", 5) == 0) {
            node = std::string("/dev/accel/") + e->d_name;
        }
    }
    closedir(d);
    if (node.empty()) {
        fail("no accelN entry in " + dir);
    }
    return node;
}

struct Bo {
    std::uint32_t handle = 0;
    std::uint64_t device_address = 0;
    void* cpu = nullptr;
    std::size_t size = 0;
};

Bo create_bo(int fd, std::size_t size, std::uint32_t type) {
    amdxdna_drm_create_bo create{};
    create.size = size;
    create.type = type;
    if (ioctl(fd, DRM_IOCTL_AMDXDNA_CREATE_BO, &create) != 0) {
        fail("CREATE_BO of " + std::to_string(size) + " bytes");
    }
    amdxdna_drm_get_bo_info info{};
    info.handle = create.handle;
    if (ioctl(fd, DRM_IOCTL_AMDXDNA_GET_BO_INFO, &info) != 0) {
        fail("GET_BO_INFO");
    }
    Bo bo;
    bo.handle = create.handle;
    bo.device_address = info.xdna_addr;
    bo.size = size;
    bo.cpu = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
                  static_cast<off_t>(info.map_offset));
    if (bo.cpu == MAP_FAILED) {
        fail("mmap of a BO");
    }
    return bo;
}

// The queue as XRT allocates it: header, packets and indirect blocks in one BO.
constexpr std::uint32_t kQueueSlots = 32;
std::size_t queue_bytes() {
    return (aie4sim::hq::QueueLayout::bytes(kQueueSlots) + 4095) & ~std::size_t{4095};
}

void destroy_bo(int fd, Bo& bo) {
    munmap(bo.cpu, bo.size);
    drm_gem_close close_bo{};
    close_bo.handle = bo.handle;
    ioctl(fd, DRM_IOCTL_GEM_CLOSE, &close_bo);
}

namespace hq = aie4sim::hq;

} // namespace
namespace {
int gemm_main(int fd, const amdxdna_drm_query_aie_metadata& meta, const std::string& bdf, int argc,
              char** argv);
}

int main(int argc, char** argv) {
    // In the guest, the assembler is the guest's own (XRT's libxrt-utils-npu), not the one
    // the build fetched, which the workload tool names by default.
    setenv("AIE4SIM_AIEBU_ASM", "/usr/bin/aiebu-asm", 0);
    if (argc < 2) {
        std::fprintf(stderr, "usage: aie4sim-accel-test BDF [--cols N] [--rows N] [--core-rows N] "
                             "[--mem-rows N] [--contexts N]\n");
        return 2;
    }
    const std::string bdf = argv[1];
    unsigned want_cols = 3, want_rows = 6, want_core_rows = 4, want_mem_rows = 1, contexts = 2;
    // `BDF gemm M K N ...` has options of its own (gemm_main); the checks' options follow BDF.
    const bool gemm_mode = argc >= 3 && std::string(argv[2]) == "gemm";
    for (int i = 2; !gemm_mode && i + 1 < argc; i += 2) {
        const unsigned v = static_cast<unsigned>(std::strtoul(argv[i + 1], nullptr, 0));
        const std::string k = argv[i];
        if (k == "--cols") {
            want_cols = v;
        } else if (k == "--rows") {
            want_rows = v;
        } else if (k == "--core-rows") {
            want_core_rows = v;
        } else if (k == "--mem-rows") {
            want_mem_rows = v;
        } else if (k == "--contexts") {
            contexts = v;
        } else {
            std::fprintf(stderr, "aie4sim-accel-test: unknown option %s\n", k.c_str());
            return 2;
        }
    }

    const std::string node = accel_node(bdf);
    const int fd = open(node.c_str(), O_RDWR);
    if (fd < 0) {
        fail("open " + node);
    }
    std::printf("opened %s for %s\n", node.c_str(), bdf.c_str());

    amdxdna_drm_query_aie_metadata meta{};
    amdxdna_drm_get_info get{};
    get.param = DRM_AMDXDNA_QUERY_AIE_METADATA;
    get.buffer_size = sizeof meta;
    get.buffer = reinterpret_cast<std::uintptr_t>(&meta);
    if (ioctl(fd, DRM_IOCTL_AMDXDNA_GET_INFO, &get) != 0) {
        fail("GET_INFO AIE_METADATA");
    }
    std::printf("metadata: cols %u rows %u version %u.%u col_size %u core rows %u from %u, "
                "mem rows %u from %u, shim rows %u from %u, core dma %u locks %u\n",
                meta.cols, meta.rows, meta.version.major, meta.version.minor, meta.col_size,
                meta.core.row_count, meta.core.row_start, meta.mem.row_count, meta.mem.row_start,
                meta.shim.row_count, meta.shim.row_start, meta.core.dma_channel_count,
                meta.core.lock_count);
    if (gemm_mode) {
        const int status = gemm_main(fd, meta, bdf, argc, argv);
        close(fd);
        return status;
    }
    if (meta.cols != want_cols || meta.rows != want_rows || meta.core.row_count != want_core_rows ||
        meta.mem.row_count != want_mem_rows || meta.shim.row_count != 1 ||
        meta.core.row_start != 1 + want_mem_rows || meta.mem.row_start != 1 ||
        meta.shim.row_start != 0 || meta.version.major != 4) {
        errno = 0;
        fail("the metadata does not describe the configured array");
    }

    // All contexts live at once: each must get its own handle and doorbell page.
    struct Context {
        Bo queue;
        std::uint32_t handle = 0;
        std::uint32_t doorbell = 0;
    };
    std::vector<Context> live;
    for (unsigned c = 0; c < contexts; ++c) {
        Context ctx;
        ctx.queue = create_bo(fd, queue_bytes(), AMDXDNA_BO_CMD);
        std::memset(ctx.queue.cpu, 0, ctx.queue.size);
        const hq::Header header = hq::make_header({ctx.queue.device_address, kQueueSlots});
        std::memcpy(ctx.queue.cpu, &header, sizeof header);

        amdxdna_qos_info qos{};
        qos.priority = 0x200;
        amdxdna_drm_create_hwctx create{};
        create.qos_p = reinterpret_cast<std::uintptr_t>(&qos);
        create.umq_bo = ctx.queue.handle;
        create.num_tiles = 4;
        if (ioctl(fd, DRM_IOCTL_AMDXDNA_CREATE_HWCTX, &create) != 0) {
            fail("CREATE_HWCTX");
        }
        ctx.handle = create.handle;
        ctx.doorbell = create.umq_doorbell;
        std::printf("context %u: handle %u, queue at 0x%llx, doorbell offset 0x%x\n", c,
                    create.handle, static_cast<unsigned long long>(ctx.queue.device_address),
                    create.umq_doorbell);
        if ((create.umq_doorbell & 0xFFF) != 0) {
            errno = 0;
            fail("the doorbell offset is not page aligned");
        }
        for (const Context& other : live) {
            if (other.doorbell == ctx.doorbell || other.handle == ctx.handle) {
                errno = 0;
                fail("two live contexts share a doorbell page or a handle");
            }
        }
        live.push_back(ctx);
    }
    for (const Context& ctx : live) {
        void* page = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
                          static_cast<off_t>(ctx.doorbell & ~0xFFFu));
        if (page == MAP_FAILED) {
            fail("mmap of the doorbell");
        }
        // Nothing queued (write_index 0): the ring only says "look".
        *static_cast<volatile std::uint32_t*>(page) = 0;
        munmap(page, 4096);
    }
    for (Context& ctx : live) {
        amdxdna_drm_destroy_hwctx destroy{};
        destroy.handle = ctx.handle;
        if (ioctl(fd, DRM_IOCTL_AMDXDNA_DESTROY_HWCTX, &destroy) != 0) {
            fail("DESTROY_HWCTX");
        }
        destroy_bo(fd, ctx.queue);
    }
    close(fd);
    std::printf("accel-test: ok (%s, %u contexts)\n", bdf.c_str(), contexts);
    return 0;
}

namespace {

namespace wl = aie4sim::tiles::workload;

double now_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int gemm_main(int fd, const amdxdna_drm_query_aie_metadata& meta, const std::string& bdf, int argc,
              char** argv) {
    if (argc < 6) {
        std::fprintf(stderr, "usage: aie4sim-accel-test BDF gemm M K N [--type int8|bf16] "
                             "[--seed S] [--repeat R] [--elf FILE] [--device-patch]\n");
        return 2;
    }
    wl::GemmSpec g;
    std::uint32_t* dims[] = {&g.m, &g.k, &g.n};
    for (int i = 0; i < 3; ++i) {
        // Digits only, within 32 bits: strtoul would wrap "-1" and truncate 2^32 to 0.
        const char* text = argv[3 + i];
        char* end = nullptr;
        errno = 0;
        const unsigned long long v = std::strtoull(text, &end, 10);
        if (*text < '0' || *text > '9' || *end != '\0' || errno != 0 || v == 0 ||
            v > 0xFFFFFFFFull) {
            std::fprintf(stderr, "gemm: %c = %s is not a number in 1..4294967295\n", "MKN"[i],
                         text);
            return 2;
        }
        *dims[i] = static_cast<std::uint32_t>(v);
    }
    unsigned seed = 1, repeat = 1;
    std::string elf_path;
    bool device_patch = false;
    for (int i = 6; i < argc; ++i) {
        const std::string k = argv[i];
        if (k == "--device-patch") {
            device_patch = true;
            continue;
        }
        if (i + 1 >= argc) {
            break;
        }
        if (k == "--type") {
            g.type = std::string(argv[i + 1]) == "bf16" ? wl::GemmType::bf16_fp32
                                                        : wl::GemmType::int8_int32;
        } else if (k == "--seed") {
            seed = static_cast<unsigned>(std::strtoul(argv[i + 1], nullptr, 0));
        } else if (k == "--repeat") {
            repeat = static_cast<unsigned>(std::strtoul(argv[i + 1], nullptr, 0));
        } else if (k == "--elf") {
            elf_path = argv[i + 1];
        }
        ++i;
    }
    const char* type = g.type == wl::GemmType::int8_int32 ? "int8" : "bf16";
    // The array this VF sees, from the driver's metadata query.
    wl::PartitionShape shape{meta.cols, meta.core.row_count, meta.mem.row_count};
    wl::Workload w;
    wl::ControlCode code;
    try {
        w = wl::build_gemm(g, shape);
        std::vector<std::uint8_t> elf;
        if (elf_path.empty()) {
            elf = wl::assemble_workload(w);
        } else {
            FILE* f = std::fopen(elf_path.c_str(), "rb");
            if (f == nullptr) {
                fail("cannot open " + elf_path);
            }
            std::uint8_t buffer[65536];
            for (std::size_t n = 0; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) {
                elf.insert(elf.end(), buffer, buffer + n);
            }
            std::fclose(f);
        }
        code = wl::load_control_elf(elf.data(), elf.size());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "aie4sim-accel-test: cannot build the GEMM: %s\n", e.what());
        return 1;
    }
    std::printf("%s: %s on %u columns (%s); control code: %zu uC(s), %zu bytes\n", bdf.c_str(),
                w.op.c_str(), w.columns_used, w.plan.c_str(), code.ucs.size(), code.image.size());
    const wl::WorkloadData data = wl::make_workload_data(w, seed);

    // Buffer objects as XRT makes them: the queue, the instruction buffer and the command BO
    // (AMDXDNA_BO_CMD), the argument list and the kernel's buffers (AMDXDNA_BO_SHARE).
    Bo queue = create_bo(fd, queue_bytes(), AMDXDNA_BO_CMD);
    Bo command = create_bo(fd, 4096, AMDXDNA_BO_CMD);
    Bo args = create_bo(fd, 4096, AMDXDNA_BO_SHARE);
    Bo instructions =
        create_bo(fd, (code.image.size() + 4095) & ~std::size_t{4095}, AMDXDNA_BO_CMD);
    std::vector<Bo> buffers;
    std::vector<std::uint64_t> addresses;
    for (std::size_t i = 0; i < w.buffers.size(); ++i) {
        buffers.push_back(
            create_bo(fd, (w.buffers[i].bytes() + 4095) & ~std::uint64_t{4095}, AMDXDNA_BO_SHARE));
        addresses.push_back(buffers.back().device_address);
        static_cast<std::uint64_t*>(args.cpu)[i] = buffers.back().device_address;
    }
    try {
        const auto image = device_patch ? code.image : wl::patched_image(code, addresses);
        std::memcpy(instructions.cpu, image.data(), image.size());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "aie4sim-accel-test: %s\n", e.what());
        return 1;
    }
    const hq::QueueLayout layout{queue.device_address, kQueueSlots};
    std::memset(queue.cpu, 0, queue.size);
    const hq::Header fresh = hq::make_header(layout);
    std::memcpy(queue.cpu, &fresh, sizeof fresh);
    auto* header = static_cast<volatile hq::Header*>(queue.cpu);

    amdxdna_qos_info qos{};
    qos.priority = 0x200;
    amdxdna_drm_create_hwctx create{};
    create.qos_p = reinterpret_cast<std::uintptr_t>(&qos);
    create.umq_bo = queue.handle;
    create.num_tiles = std::max(1u, code.partition_columns) * meta.core.row_count;
    if (ioctl(fd, DRM_IOCTL_AMDXDNA_CREATE_HWCTX, &create) != 0) {
        fail("CREATE_HWCTX");
    }
    auto* doorbell = static_cast<volatile std::uint32_t*>(
        mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
             static_cast<off_t>(create.umq_doorbell & ~0xFFFu)));
    if (doorbell == MAP_FAILED) {
        fail("mmap of the doorbell");
    }

    // The START_DPU command: one ert_dpu_data per uC, the trace record in the first.
    const std::uint64_t trace_address = command.device_address + 2048;
    const hq::StartDpu dpu =
        hq::start_dpu_for(code.ucs, instructions.device_address, trace_address);
    const std::vector<std::uint32_t> command_words = hq::encode_start_dpu(dpu);
    hq::Command submission = hq::command_from_start_dpu(dpu, command.device_address);
    if (device_patch) {
        for (hq::UcCommand& uc : submission.ucs) {
            uc.args = args.device_address;
            uc.args_len = static_cast<std::uint32_t>(8 * w.buffers.size());
        }
    }
    auto* word = static_cast<volatile std::uint32_t*>(command.cpu);
    auto* trace =
        reinterpret_cast<volatile hq::TraceRecord*>(static_cast<std::uint8_t*>(command.cpu) + 2048);
    double total_us = 0;
    std::uint64_t total_cycles = 0;
    const double wall_start = now_ms();
    for (unsigned r = 0; r < repeat; ++r) {
        for (std::size_t i = 0; i < w.buffers.size(); ++i) {
            std::memset(buffers[i].cpu, 0, buffers[i].size);
            std::memcpy(buffers[i].cpu, data.inputs[i].data(), data.inputs[i].size());
        }
        std::memcpy(command.cpu, command_words.data(), command_words.size() * 4);
        const std::uint64_t seq = header->write_index;
        for (const hq::MemoryWrite& m : hq::encode_command(layout, seq, submission)) {
            std::memcpy(static_cast<std::uint8_t*>(queue.cpu) + (m.address - queue.device_address),
                        m.bytes.data(), m.bytes.size());
        }
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        header->write_index = seq + 1;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        doorbell[(create.umq_doorbell & 0xFFFu) / 4] = 0;
        amdxdna_drm_wait_cmd wait{};
        wait.hwctx = create.handle;
        wait.timeout = 120000;
        wait.seq = seq;
        if (ioctl(fd, DRM_IOCTL_AMDXDNA_WAIT_CMD, &wait) != 0) {
            fail("WAIT_CMD");
        }
        if ((*word & hq::kStateMask) != hq::kStateCompleted) {
            errno = 0;
            fail(std::string("the command ended in state ") +
                 hq::ert_state_name(*word & hq::kStateMask));
        }
        if (trace->magic == hq::kTraceMagic) {
            total_us += (trace->end_ns - trace->start_ns) / 1e3;
            total_cycles += trace->cycles;
        }
    }
    const double wall_ms = now_ms() - wall_start;

    // The result against the CPU reference.
    std::string problem;
    for (std::size_t i = 0; i < w.buffers.size() && problem.empty(); ++i) {
        if (w.buffers[i].role == wl::BufferRole::output) {
            problem =
                wl::check_output(w, data, i, static_cast<const std::uint8_t*>(buffers[i].cpu));
        }
    }
    const bool verified = problem.empty();
    if (!verified) {
        std::fprintf(stderr, "aie4sim-accel-test: %s\n", problem.c_str());
    }
    const double per_us = repeat != 0 ? total_us / repeat : 0;
    const double tops = per_us > 0 ? w.useful_ops / (per_us * 1e-6) / 1e12 : 0;
    std::printf("gemm %ux%ux%u %s on %s: %s; simulated %.2f us per command (%llu cycles), "
                "%.3f TOPS; wall %.1f ms for %u command%s\n",
                g.m, g.k, g.n, type, bdf.c_str(), verified ? "verified" : "WRONG RESULT", per_us,
                static_cast<unsigned long long>(repeat ? total_cycles / repeat : 0), tops, wall_ms,
                repeat, repeat == 1 ? "" : "s");

    munmap(const_cast<std::uint32_t*>(doorbell), 4096);
    amdxdna_drm_destroy_hwctx destroy{};
    destroy.handle = create.handle;
    if (ioctl(fd, DRM_IOCTL_AMDXDNA_DESTROY_HWCTX, &destroy) != 0) {
        fail("DESTROY_HWCTX");
    }
    for (Bo& b : buffers) {
        destroy_bo(fd, b);
    }
    for (Bo* b : {&instructions, &args, &command, &queue}) {
        destroy_bo(fd, *b);
    }
    return verified ? 0 : 1;
}

} // namespace
