/*
 * aie4sim-mmio: reads and writes a PCI BAR from user space through its sysfs resource file.
 *
 *   aie4sim-mmio RESOURCE_FILE OFFSET             read 32 bits, print as 0x%08x
 *   aie4sim-mmio RESOURCE_FILE OFFSET VALUE       write 32 bits
 *   aie4sim-mmio --latency RESOURCE_FILE OFFSET N [read|write]
 *        time N accesses one by one; print "median_ns p99_ns min_ns" (each access timed with
 *        CLOCK_MONOTONIC, the cost of the timer itself measured and subtracted)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static volatile uint32_t* map_bar(const char* file, uint64_t offset, size_t* length) {
    struct stat st;
    void* base;
    int fd = open(file, O_RDWR | O_SYNC);

    if (fd < 0) {
        fprintf(stderr, "aie4sim-mmio: cannot open %s: %s\n", file, strerror(errno));
        exit(2);
    }
    if (fstat(fd, &st) != 0 || (uint64_t)st.st_size < offset + 4) {
        fprintf(stderr, "aie4sim-mmio: offset 0x%llx is outside %s\n", (unsigned long long)offset,
                file);
        exit(2);
    }
    *length = (size_t)st.st_size;
    base = mmap(NULL, *length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (base == MAP_FAILED) {
        fprintf(stderr, "aie4sim-mmio: cannot map %s: %s\n", file, strerror(errno));
        exit(2);
    }
    return (volatile uint32_t*)((volatile uint8_t*)base + offset);
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int compare_u64(const void* a, const void* b) {
    uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
    return x < y ? -1 : x > y;
}

static int latency(const char* file, uint64_t offset, long count, int write) {
    size_t length;
    volatile uint32_t* reg = map_bar(file, offset, &length);
    uint64_t* samples = calloc((size_t)count, sizeof(*samples));
    uint64_t timer_cost = UINT64_MAX, median, p99;
    uint32_t sink = 0;
    long i;

    if (!samples || count < 10) {
        fprintf(stderr, "aie4sim-mmio: need at least 10 samples\n");
        return 2;
    }
    for (i = 0; i < 1000; i++) { /* the timer's own cost: the minimum of empty pairs */
        uint64_t a = now_ns(), b = now_ns();
        if (b - a < timer_cost) {
            timer_cost = b - a;
        }
    }
    for (i = 0; i < 100; i++) { /* warm up: bring the peer out of its sleep */
        sink += *reg;
    }
    for (i = 0; i < count; i++) {
        uint64_t a = now_ns(), b;
        if (write) {
            *reg = (uint32_t)i;
            sink += *reg; /* a posted write is timed with the read that flushes it */
        } else {
            sink += *reg;
        }
        b = now_ns();
        samples[i] = b - a > timer_cost ? b - a - timer_cost : 0;
    }
    qsort(samples, (size_t)count, sizeof(*samples), compare_u64);
    median = samples[count / 2];
    p99 = samples[(count * 99) / 100];
    printf("%llu %llu %llu\n", (unsigned long long)median, (unsigned long long)p99,
           (unsigned long long)samples[0]);
    free(samples);
    return sink == 0xFFFFFFFF ? 0 : 0;
}

int main(int argc, char** argv) {
    size_t length;
    volatile uint32_t* reg;

    if (argc >= 5 && strcmp(argv[1], "--latency") == 0) {
        int write = argc >= 6 && strcmp(argv[5], "write") == 0;
        return latency(argv[2], strtoull(argv[3], NULL, 0), strtol(argv[4], NULL, 0), write);
    }
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: aie4sim-mmio RESOURCE_FILE OFFSET [VALUE]\n"
                        "       aie4sim-mmio --latency RESOURCE_FILE OFFSET N [read|write]\n");
        return 2;
    }
    reg = map_bar(argv[1], strtoull(argv[2], NULL, 0), &length);
    if (argc == 4) {
        *reg = (uint32_t)strtoul(argv[3], NULL, 0);
    } else {
        printf("0x%08x\n", *reg);
    }
    return 0;
}
