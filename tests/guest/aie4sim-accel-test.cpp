// aie4sim-accel-test: the driver's user-space interface on one VF, through Debian's 7.3.4
// UAPI (drm/amdxdna_accel.h): open /dev/accel/accelN, query the AIE metadata and check it
// against what the device is configured with, create buffer objects and a hardware context
// with a user-mode queue, map and ring its doorbell, destroy everything.
//
//   aie4sim-accel-test BDF [--cols N] [--rows N] [--core-rows N] [--mem-rows N]
//                          [--contexts N]
#include <drm/amdxdna_accel.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
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
    bo.cpu = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, static_cast<off_t>(info.map_offset));
    if (bo.cpu == MAP_FAILED) {
        fail("mmap of a BO");
    }
    return bo;
}

void destroy_bo(int fd, Bo& bo) {
    munmap(bo.cpu, bo.size);
    drm_gem_close close_bo{};
    close_bo.handle = bo.handle;
    ioctl(fd, DRM_IOCTL_GEM_CLOSE, &close_bo);
}

// The 32-byte host queue header of the 7.3.4 driver.
struct QueueHeader {
    std::uint64_t read_index;
    std::uint16_t major;
    std::uint16_t minor;
    std::uint32_t capacity;
    std::uint64_t write_index;
    std::uint64_t data_address;
};
static_assert(sizeof(QueueHeader) == 32, "host queue header");

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: aie4sim-accel-test BDF [--cols N] [--rows N] [--core-rows N] "
                             "[--mem-rows N] [--contexts N]\n");
        return 2;
    }
    const std::string bdf = argv[1];
    unsigned want_cols = 3, want_rows = 6, want_core_rows = 4, want_mem_rows = 1, contexts = 2;
    for (int i = 2; i + 1 < argc; i += 2) {
        const unsigned v = static_cast<unsigned>(std::strtoul(argv[i + 1], nullptr, 0));
        const std::string k = argv[i];
        if (k == "--cols") want_cols = v;
        else if (k == "--rows") want_rows = v;
        else if (k == "--core-rows") want_core_rows = v;
        else if (k == "--mem-rows") want_mem_rows = v;
        else if (k == "--contexts") contexts = v;
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
        Bo packets;
        std::uint32_t handle = 0;
        std::uint32_t doorbell = 0;
    };
    std::vector<Context> live;
    for (unsigned c = 0; c < contexts; ++c) {
        Context ctx;
        ctx.queue = create_bo(fd, 4096, AMDXDNA_BO_SHARE);
        ctx.packets = create_bo(fd, 4096, AMDXDNA_BO_SHARE);
        auto* header = static_cast<QueueHeader*>(ctx.queue.cpu);
        std::memset(ctx.queue.cpu, 0, ctx.queue.size);
        header->major = 1;
        header->capacity = 32;
        header->data_address = ctx.packets.device_address;

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
        destroy_bo(fd, ctx.packets);
        destroy_bo(fd, ctx.queue);
    }
    close(fd);
    std::printf("accel-test: ok (%s, %u contexts)\n", bdf.c_str(), contexts);
    return 0;
}
