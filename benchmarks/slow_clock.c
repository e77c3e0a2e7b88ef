/*
 * slow_clock.so: an LD_PRELOAD shim that makes clock_gettime() a system call, as it is on a VM
 * whose clock source has no vDSO path (kvm-clock without a stable TSC, Xen, HPET), optionally
 * made REPEAT times over to stand for a costlier kernel entry (nested or page-table based
 * virtualization). It emulates such hosts on this one, for docs/bridge-performance.md:
 *
 *   SLOW_CLOCK_REPEAT=4 LD_PRELOAD=build/benchmarks/libslow_clock.so bridge_bench ...
 *
 * Every process started from there (the model, both QEMUs) inherits it.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int repeat = -1;

int clock_gettime(clockid_t clock, struct timespec* ts) {
    long r = 0;
    int i;

    if (repeat < 0) {
        const char* env = getenv("SLOW_CLOCK_REPEAT");
        repeat = env ? atoi(env) : 1;
        if (repeat < 1) {
            repeat = 1;
        }
    }
    for (i = 0; i < repeat; i++) {
        r = syscall(SYS_clock_gettime, clock, ts);
    }
    return (int)r;
}
