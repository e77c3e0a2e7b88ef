/*
 * aie4sim-vfio-dma: drives a function's test block (BAR0 + 0xF000) from user space through
 * vfio-pci, so the model's DMA goes through the guest's vIOMMU (QEMU intel-iommu) and its
 * MSI-X interrupt goes through the kernel's vfio handler (visible in /proc/interrupts).
 *
 *   aie4sim-vfio-dma BDF [--bytes N] [--repeat R] [--vector V] [--hugepage] [--settle-ms MS]
 *
 * --hugepage puts the buffer in 2 MiB huge pages (the guest needs hugepages=N on its command
 * line): the IOMMU then maps it with 2 MiB pages, as a driver with large DMA buffers would,
 * instead of one 4 KiB page after the other (without it the buffer is kept out of transparent
 * huge pages). --settle-ms prints "dma-timed: begin" and waits that long before the timed
 * fills, so that an observer outside can mark where they start.
 * Checks: the block answers with its ID and function number; a DMA fill of N bytes lands in a
 * buffer mapped at an IOVA with the expected pattern and raises MSI-X vector V; a DMA read of a
 * guest pattern gives the expected checksum. With --repeat, times R fills and prints the
 * throughput. Exit status 0 only if every check passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/vfio.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define TB 0xF000u
#define TB_ID 0x00u
#define TB_FUNCTION 0x08u
#define TB_ADDR_LO 0x10u
#define TB_ADDR_HI 0x14u
#define TB_LENGTH 0x18u
#define TB_PATTERN 0x1Cu
#define TB_CONTROL 0x20u
#define TB_STATUS 0x24u
#define TB_CHECKSUM 0x28u
#define TB_ID_VALUE 0x41345442u
#define IOVA 0x40000000ull

static void die(const char* what) {
    fprintf(stderr, "aie4sim-vfio-dma: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void fail(const char* what) {
    fprintf(stderr, "aie4sim-vfio-dma: FAIL: %s\n", what);
    exit(1);
}

static volatile uint8_t* bar0;
static int irq_fd;

static uint32_t rd(uint32_t off) {
    return *(volatile uint32_t*)(bar0 + TB + off);
}
static void wr(uint32_t off, uint32_t v) {
    *(volatile uint32_t*)(bar0 + TB + off) = v;
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Starts a DMA and waits for its MSI-X through the eventfd. */
static void run_dma(uint32_t control, uint32_t bytes, uint32_t pattern, unsigned vector) {
    struct pollfd p = {.fd = irq_fd, .events = POLLIN};
    uint64_t count;

    wr(TB_ADDR_LO, (uint32_t)IOVA);
    wr(TB_ADDR_HI, (uint32_t)(IOVA >> 32));
    wr(TB_LENGTH, bytes);
    wr(TB_PATTERN, pattern);
    wr(TB_CONTROL, control | (1u << 16) | (vector << 8));
    if (poll(&p, 1, 20000) != 1) {
        fprintf(stderr, "status 0x%x\n", rd(TB_STATUS));
        fail("no MSI-X interrupt within 20 s of the DMA");
    }
    if (read(irq_fd, &count, sizeof(count)) != sizeof(count)) {
        die("eventfd read");
    }
    if ((rd(TB_STATUS) & 0x6) != 0x2) {
        fail("the DMA did not complete cleanly");
    }
}

static void show_interrupts(const char* bdf) {
    char line[512];
    FILE* f = fopen("/proc/interrupts", "r");

    while (f && fgets(line, sizeof(line), f)) {
        if (strstr(line, "vfio-msix") && strstr(line, bdf)) {
            printf("interrupts: %s", line);
        }
    }
    if (f) {
        fclose(f);
    }
}

int main(int argc, char** argv) {
    const char* bdf;
    uint32_t bytes = 65536, repeat = 0, vector = 0, settle_ms = 0, mapped;
    int hugepage = 0;
    char path[256], link[256];
    int container, group, device, i;
    struct vfio_group_status group_status = {.argsz = sizeof(group_status)};
    struct vfio_region_info bar = {.argsz = sizeof(bar), .index = VFIO_PCI_BAR0_REGION_INDEX};
    struct vfio_region_info config = {.argsz = sizeof(config),
                                      .index = VFIO_PCI_CONFIG_REGION_INDEX};
    struct vfio_iommu_type1_dma_map map = {.argsz = sizeof(map)};
    uint8_t irq_set_buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
    struct vfio_irq_set* irq_set = (struct vfio_irq_set*)irq_set_buf;
    uint16_t command;
    uint32_t *buffer, expected_sum = 0;
    ssize_t n;

    if (argc < 2) {
        fprintf(stderr, "usage: aie4sim-vfio-dma BDF [--bytes N] [--repeat R] [--vector V] "
                        "[--hugepage] [--settle-ms MS]\n");
        return 2;
    }
    bdf = argv[1];
    for (i = 2; i < argc; i++) {
        const char* name = argv[i];
        uint32_t v;
        if (!strcmp(name, "--hugepage")) {
            hugepage = 1;
            continue;
        }
        if (++i >= argc)
            break;
        v = (uint32_t)strtoul(argv[i], NULL, 0);
        if (!strcmp(name, "--bytes"))
            bytes = v;
        else if (!strcmp(name, "--repeat"))
            repeat = v;
        else if (!strcmp(name, "--vector"))
            vector = v;
        else if (!strcmp(name, "--settle-ms"))
            settle_ms = v;
    }
    bytes = (bytes + 4095) & ~4095u;
    mapped = hugepage ? (bytes + (2u << 20) - 1) & ~((2u << 20) - 1) : bytes;

    snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
    n = readlink(path, link, sizeof(link) - 1);
    if (n < 0)
        die("no IOMMU group (boot with an IOMMU: intel_iommu=on)");
    link[n] = '\0';
    snprintf(path, sizeof(path), "/dev/vfio/%s", basename(link));

    container = open("/dev/vfio/vfio", O_RDWR);
    if (container < 0)
        die("/dev/vfio/vfio");
    if (ioctl(container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
        fail("vfio API version");
    if (!ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU))
        fail("no type1 IOMMU");
    group = open(path, O_RDWR);
    if (group < 0)
        die(path);
    if (ioctl(group, VFIO_GROUP_GET_STATUS, &group_status) ||
        !(group_status.flags & VFIO_GROUP_FLAGS_VIABLE))
        fail("group not viable");
    if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container))
        die("set container");
    if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU))
        die("set IOMMU");
    device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
    if (device < 0)
        die("get device");

    if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &bar) || bar.size < TB + 0x1000)
        fail("BAR0");
    bar0 = mmap(NULL, bar.size, PROT_READ | PROT_WRITE, MAP_SHARED, device, (off_t)bar.offset);
    if (bar0 == MAP_FAILED)
        die("mmap BAR0");
    if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &config))
        fail("config region");
    if (pread(device, &command, 2, (off_t)config.offset + 4) != 2)
        die("read command");
    command |= 0x6; /* memory space and bus master */
    if (pwrite(device, &command, 2, (off_t)config.offset + 4) != 2)
        die("write command");

    buffer = mmap(NULL, mapped, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | (hugepage ? MAP_HUGETLB : 0), -1, 0);
    if (buffer == MAP_FAILED)
        die(hugepage ? "buffer in huge pages (boot with hugepages=N)" : "buffer");
    if (!hugepage)
        madvise(buffer, mapped, MADV_NOHUGEPAGE); /* one IOMMU page per 4 KiB */
    memset(buffer, 0, mapped);
    map.vaddr = (uintptr_t)buffer;
    map.iova = IOVA;
    map.size = mapped;
    map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
    if (ioctl(container, VFIO_IOMMU_MAP_DMA, &map))
        die("map DMA");

    irq_fd = eventfd(0, 0);
    irq_set->argsz = sizeof(irq_set_buf);
    irq_set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
    irq_set->index = VFIO_PCI_MSIX_IRQ_INDEX;
    irq_set->start = vector;
    irq_set->count = 1;
    memcpy(irq_set->data, &irq_fd, sizeof(int32_t));
    if (ioctl(device, VFIO_DEVICE_SET_IRQS, irq_set))
        die("MSI-X eventfd");

    if (rd(TB_ID) != TB_ID_VALUE)
        fail("the test block's ID");
    printf("function: %u\n", rd(TB_FUNCTION));

    run_dma(1u, bytes, 0xA4000000u, vector); /* fill */
    for (i = 0; i < (int)(bytes / 4); i++) {
        if (buffer[i] != 0xA4000000u + (uint32_t)i) {
            fprintf(stderr, "word %d is 0x%08x\n", i, buffer[i]);
            fail("the DMA pattern in guest memory");
        }
    }
    printf("dma-fill: ok, %u bytes at IOVA 0x%llx\n", bytes, (unsigned long long)IOVA);

    for (i = 0; i < (int)(bytes / 4); i++) {
        buffer[i] = (uint32_t)i * 3u + 7u;
        expected_sum += buffer[i];
    }
    run_dma(2u, bytes, 0, vector); /* checksum */
    if (rd(TB_CHECKSUM) != expected_sum)
        fail("the checksum of guest memory read by DMA");
    printf("dma-read: ok, checksum 0x%08x\n", expected_sum);

    if (repeat) {
        uint64_t start, elapsed;
        if (settle_ms) {
            printf("dma-timed: begin\n");
            fflush(stdout);
            usleep(settle_ms * 1000u);
        }
        start = now_ns();
        for (i = 0; i < (int)repeat; i++) {
            run_dma(1u, bytes, (uint32_t)i, vector);
        }
        elapsed = now_ns() - start;
        printf("dma-throughput: %u x %u bytes in %.3f ms = %.1f MB/s (%s pages)\n", repeat, bytes,
               elapsed / 1e6, (double)repeat * bytes / (elapsed / 1e9) / 1e6,
               hugepage ? "2 MiB" : "4 KiB");
    }
    show_interrupts(bdf);
    return 0;
}
