#!/usr/bin/env python3
"""A model that dies under a running QEMU: the device goes into the error state of a
surprise-removed one, QEMU does not exit.

QEMU runs with the qtest accelerator (no guest code: this test drives configuration cycles
itself through the 0xCF8/0xCFC ports, as a guest kernel would), the aie4sim PF on the root bus
at 00:04.0, the real model behind it. The test reads the PF's ID, kills the model with SIGKILL,
and then checks that QEMU says once that it lost the model, that every configuration read
returns all-ones at once, that QEMU is still running, and that it can be quit (SIGTERM: exit 0).

Usage: model-lost.py AIE4SIM_EXE QEMU_BINARY
"""
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import time

CONFIG_ADDRESS = 0x80000000 | (4 << 11)  # bus 0, device 4, function 0, register 0
BAR4 = 0xC0000000  # where the test puts the PF's BAR4 (PSP aperture, 32-bit, 64 KiB)


def fail(why, qemu_log=None):
    print(f"FAIL: {why}")
    if qemu_log and qemu_log.exists():
        print("--- QEMU's stderr ---")
        print(qemu_log.read_text(errors="replace")[-3000:])
    sys.exit(1)


class Qtest:
    def __init__(self, process):
        self.process = process

    def command(self, line):
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        while True:
            reply = self.process.stdout.readline()
            if not reply:
                raise EOFError(f"QEMU closed qtest while answering '{line}'")
            if reply.startswith("OK") or reply.startswith("FAIL") or reply.startswith("ERR"):
                return reply.split()
            # Asynchronous lines (IRQ ...) are not answers.

    def config_write(self, register, value):
        self.command(f"outl 0xcf8 0x{CONFIG_ADDRESS | register:x}")
        self.command(f"outl 0xcfc 0x{value:x}")

    def read32(self, address):
        reply = self.command(f"readl 0x{address:x}")
        if reply[0] != "OK" or len(reply) < 2:
            raise RuntimeError(f"readl failed: {reply}")
        return int(reply[1], 16)

    def config_read(self, register):
        self.command(f"outl 0xcf8 0x{CONFIG_ADDRESS | register:x}")
        reply = self.command("inl 0xcfc")
        if reply[0] != "OK" or len(reply) < 2:
            raise RuntimeError(f"inl failed: {reply}")
        return int(reply[1], 16)


def main(exe, qemu_binary):
    run = pathlib.Path(tempfile.mkdtemp(prefix="aie4sim-lost."))
    socket = run / "model.sock"
    qemu_log = run / "qemu.err"
    model = subprocess.Popen([exe, "model", "--socket", f"unix:{socket}", "--log", "info",
                              "--log-file", str(run / "model.log")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    qemu = None
    try:
        with open(qemu_log, "w") as err:
            qemu = subprocess.Popen(
                [qemu_binary, "-machine", "q35", "-accel", "qtest", "-qtest", "stdio",
                 "-display", "none", "-nodefaults", "-monitor", "none",
                 "-device", f"aie4sim-pf,bus=pcie.0,addr=04.0,socket=unix:{socket}"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True)
        q = Qtest(qemu)
        vendor_device = q.config_read(0)
        if vendor_device != 0x17F21022:
            fail(f"the PF's ID reads 0x{vendor_device:08x}, not 0x17f21022", qemu_log)
        # BAR4 placed and memory decoding on, as a guest's PCI code would do.
        q.config_write(0x20, BAR4)
        q.config_write(0x04, 0x2)
        if q.config_read(0x20) & 0xFFFFFFF0 != BAR4:
            fail("BAR4 did not take its address", qemu_log)
        if q.read32(BAR4) == 0xFFFFFFFF:
            fail("BAR4 reads all-ones while the model is there", qemu_log)

        model.send_signal(signal.SIGKILL)
        model.wait()
        deadline = time.monotonic() + 10
        while "lost the model" not in qemu_log.read_text(errors="replace"):
            if qemu.poll() is not None:
                fail(f"QEMU exited (status {qemu.returncode}) when the model died", qemu_log)
            if time.monotonic() > deadline:
                # The main loop may not have looked yet: an access finds out for sure.
                break
            time.sleep(0.05)

        start = time.monotonic()
        after = [q.config_read(register) for register in (0, 4, 8, 0x10)]
        bar_after = q.read32(BAR4)
        took = time.monotonic() - start
        if any(value != 0xFFFFFFFF for value in after):
            fail("configuration reads after the model died: "
                 + ", ".join(f"0x{v:08x}" for v in after) + " (expected all-ones)", qemu_log)
        if bar_after != 0xFFFFFFFF:
            fail(f"BAR4 reads 0x{bar_after:08x} after the model died (expected all-ones)",
                 qemu_log)
        if took > 2:
            fail(f"five reads of a lost device took {took:.1f} s", qemu_log)
        q.command(f"outl 0xcf8 0x{CONFIG_ADDRESS | 4:x}")
        q.command("outw 0xcfc 0x6")  # a write: dropped, QEMU keeps going
        if q.config_read(4) != 0xFFFFFFFF:
            fail("a configuration write brought the lost device back", qemu_log)
        if qemu.poll() is not None:
            fail(f"QEMU exited (status {qemu.returncode})", qemu_log)
        text = qemu_log.read_text(errors="replace")
        if text.count("lost the model") != 1:
            fail(f"QEMU reported the lost model {text.count('lost the model')} times, "
                 "expected once", qemu_log)
        if "closed the connection" not in text:
            fail("QEMU's report does not say the model closed its connection", qemu_log)

        qemu.send_signal(signal.SIGTERM)
        try:
            status = qemu.wait(timeout=20)
        except subprocess.TimeoutExpired:
            fail("QEMU did not quit on SIGTERM", qemu_log)
        if status != 0:
            fail(f"QEMU quit with status {status}", qemu_log)
        print(f"PASS: the device went all-ones ({took * 1000:.0f} ms for five reads), QEMU "
              "stayed up and quit cleanly")
        return 0
    finally:
        for p in (qemu, model):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait()
        for f in run.iterdir():
            f.unlink()
        os.rmdir(run)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
