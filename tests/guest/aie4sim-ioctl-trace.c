/*
 * libaie4sim-ioctl-trace.so: an LD_PRELOAD logger of the amdxdna ioctls a program issues, with
 * the driver's answer. It shows which queries of XRT's the 7.3.4 driver answers and which it
 * refuses (docs/xrt.md), without changing anything: every call goes to the C library's ioctl
 * unchanged and its result and errno come back unchanged.
 *
 *   LD_PRELOAD=/opt/aie4sim/bin/libaie4sim-ioctl-trace.so AIE4SIM_IOCTL_TRACE=/tmp/t.log xrt-smi
 * examine
 *
 * One line per amdxdna ioctl, appended to $AIE4SIM_IOCTL_TRACE (default: standard error):
 *   amdxdna GET_INFO param=8 -> -1 EOPNOTSUPP
 *   amdxdna CREATE_HWCTX -> 0
 * GET_INFO, GET_ARRAY and SET_STATE show their `param`, CONFIG_HWCTX its `param_type`,
 * CREATE_BO the buffer's type, size and (for a user-memory buffer) its address, GET_BO_INFO the
 * device address the driver gave it:
 *   amdxdna CREATE_BO type=1 size=0xc000 userptr=0x7f12a000 -> 0
 *   amdxdna GET_BO_INFO xdna_addr=0x60003000 -> 0
 * Other DRM ioctls (GEM_CLOSE, ...) are logged as "drm nr=0x09". Nothing else is logged.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <drm/amdxdna_accel.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

typedef int (*ioctl_fn)(int, unsigned long, ...);

static const char* const command_names[] = {
    [DRM_AMDXDNA_CREATE_HWCTX] = "CREATE_HWCTX", [DRM_AMDXDNA_DESTROY_HWCTX] = "DESTROY_HWCTX",
    [DRM_AMDXDNA_CONFIG_HWCTX] = "CONFIG_HWCTX", [DRM_AMDXDNA_CREATE_BO] = "CREATE_BO",
    [DRM_AMDXDNA_GET_BO_INFO] = "GET_BO_INFO",   [DRM_AMDXDNA_SYNC_BO] = "SYNC_BO",
    [DRM_AMDXDNA_EXEC_CMD] = "EXEC_CMD",         [DRM_AMDXDNA_GET_INFO] = "GET_INFO",
    [DRM_AMDXDNA_SET_STATE] = "SET_STATE",       [DRM_AMDXDNA_WAIT_CMD] = "WAIT_CMD",
    [DRM_AMDXDNA_GET_ARRAY] = "GET_ARRAY",
};
#define COMMAND_COUNT (sizeof command_names / sizeof command_names[0])

static void log_line(const char* text) {
    const char* path = getenv("AIE4SIM_IOCTL_TRACE");
    int fd = 2;
    if (path != NULL && path[0] != '\0') {
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd < 0) {
            fd = 2;
        }
    }
    /* One write per line: lines of concurrent threads or processes do not interleave. */
    if (write(fd, text, strlen(text)) < 0) {
        /* nothing to do: tracing must never change the traced program's behaviour */
    }
    if (fd != 2) {
        close(fd);
    }
}

int ioctl(int fd, unsigned long request, ...) {
    static ioctl_fn real;
    va_list ap;
    va_start(ap, request);
    void* arg = va_arg(ap, void*);
    va_end(ap);
    if (real == NULL) {
        real = (ioctl_fn)dlsym(RTLD_NEXT, "ioctl");
        if (real == NULL) {
            errno = ENOSYS;
            return -1;
        }
    }
    const unsigned type = _IOC_TYPE(request);
    const unsigned nr = _IOC_NR(request);
    if (type != DRM_IOCTL_BASE) {
        return real(fd, request, arg);
    }

    /* The selector is read before the call: the driver may rewrite the struct. */
    long param = -1;
    const unsigned command = nr - DRM_COMMAND_BASE;
    if (arg != NULL && nr >= DRM_COMMAND_BASE) {
        if (command == DRM_AMDXDNA_GET_INFO || command == DRM_AMDXDNA_GET_ARRAY ||
            command == DRM_AMDXDNA_SET_STATE) {
            param = ((const __u32*)arg)[0];
        } else if (command == DRM_AMDXDNA_CONFIG_HWCTX) {
            param = ((const struct amdxdna_drm_config_hwctx*)arg)->param_type;
        }
    }
    const int result = real(fd, request, arg);
    const int saved = errno;
    char details[96] = "";
    if (arg != NULL && command == DRM_AMDXDNA_CREATE_BO) {
        const struct amdxdna_drm_create_bo* bo = arg;
        int n = snprintf(details, sizeof details, " type=%u size=0x%llx", bo->type,
                         (unsigned long long)bo->size);
        if (bo->vaddr != 0) {
            snprintf(details + n, sizeof details - (size_t)n, " userptr=0x%llx",
                     (unsigned long long)bo->vaddr);
        }
    } else if (arg != NULL && command == DRM_AMDXDNA_GET_BO_INFO && result == 0) {
        snprintf(details, sizeof details, " xdna_addr=0x%llx",
                 (unsigned long long)((const struct amdxdna_drm_get_bo_info*)arg)->xdna_addr);
    }

    char name[32];
    if (nr >= DRM_COMMAND_BASE && command < COMMAND_COUNT && command_names[command] != NULL) {
        snprintf(name, sizeof name, "amdxdna %s", command_names[command]);
    } else {
        snprintf(name, sizeof name, "drm nr=0x%02x", nr);
    }
    char line[256];
    int n = snprintf(line, sizeof line, "%s", name);
    if (param >= 0) {
        n += snprintf(line + n, sizeof line - (size_t)n, " param=%ld", param);
    }
    n += snprintf(line + n, sizeof line - (size_t)n, "%s", details);
    if (result < 0) {
        snprintf(line + n, sizeof line - (size_t)n, " -> %d %s\n", result,
                 strerrorname_np(saved) ? strerrorname_np(saved) : "?");
    } else {
        snprintf(line + n, sizeof line - (size_t)n, " -> %d\n", result);
    }
    log_line(line);
    errno = saved;
    return result;
}
