#!/usr/bin/env bash
# Runs stock QEMU's own socket bridge (multi-process QEMU, QEMU 7.2): a remote QEMU process
# (-machine x-remote) holding one PCI device, and the guest QEMU with an x-pci-proxy-dev for it,
# joined by a UNIX socketpair that this script creates (QEMU 7.2 takes only file descriptors
# there, no socket path). The baseline of the bridge benchmark; see docs/guest-image.md.
#
# Usage: scripts/qemu/run-mpqemu.sh [-q QEMU] REMOTE_DEVICE -- GUEST_QEMU_ARGS...
#   REMOTE_DEVICE  -device argument for the remote process, without id (e.g. pci-testdev)
#   GUEST_QEMU_ARGS must give the guest fd-shareable RAM, e.g.
#     -M q35,memory-backend=mem -object memory-backend-memfd,id=mem,size=2G
#   -q QEMU        qemu-system-x86_64 to use for both processes (default: the one on PATH, Debian's
#                  stock binary, built with multi-process support; our build is not)
# The proxy gets id=aie4sim-rdev0 in both processes. Exit status: the guest QEMU's.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$here/../lib/common.sh"

qemu="qemu-system-x86_64"
if [ "${1:-}" = -q ]; then qemu=$2; shift 2; fi
if [ $# -lt 2 ] || [ "$2" != -- ]; then
    die "usage: $0 [-q QEMU] REMOTE_DEVICE -- GUEST_QEMU_ARGS..."
fi
remote_dev=$1
shift 2
command -v "$qemu" >/dev/null || die "'$qemu' not found: install qemu-system-x86"
command -v python3 >/dev/null || die "'python3' not found: install python3"
"$qemu" -machine help | grep -q '^x-remote ' \
    || die "$qemu has no x-remote machine (multi-process support): use Debian's qemu-system-x86_64"

exec python3 - "$qemu" "$remote_dev" "$@" <<'PY'
import signal, socket, subprocess, sys

qemu, remote_dev, guest_args = sys.argv[1], sys.argv[2], sys.argv[3:]
dev_id = "aie4sim-rdev0"
remote_end, guest_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
rfd, gfd = remote_end.fileno(), guest_end.fileno()
remote = subprocess.Popen(
    [qemu, "-machine", "x-remote", "-nodefaults", "-display", "none", "-monitor", "none",
     "-device", f"{remote_dev},id={dev_id}",
     "-object", f"x-remote-object,id=aie4sim-robj0,devid={dev_id},fd={rfd}"],
    pass_fds=[rfd])
remote_end.close()
guest = subprocess.Popen(
    [qemu, *guest_args, "-device", f"x-pci-proxy-dev,id={dev_id},fd={gfd}"], pass_fds=[gfd])
guest_end.close()
signal.signal(signal.SIGINT, lambda *_: guest.terminate())
signal.signal(signal.SIGTERM, lambda *_: guest.terminate())
rc = guest.wait()
remote.terminate()
try:
    remote.wait(timeout=10)
except subprocess.TimeoutExpired:
    remote.kill()
    remote.wait()
sys.exit(rc if rc >= 0 else 128 - rc)
PY
