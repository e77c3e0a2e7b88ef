#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora (tests/fuzz/corpus/NAME/): a few well-formed inputs per
harness, so that fuzzing starts from what the model reads in real runs rather than from noise.
The formats' layouts are the ones in cosim/protocol/aie4sim_wire.h, models/queue/host_queue.h
and models/firmware/mgmt_protocol.h. Control-code seeds are cut from real ELFs that Debian's
aiebu-asm made (the build's workloads), given as arguments.

Usage: tests/fuzz/make_seeds.py [ELF...]
"""
import pathlib
import struct
import sys

CORPUS = pathlib.Path(__file__).resolve().parent / "corpus"
PAGE = 8192


def write(harness, name, data):
    d = CORPUS / harness
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(bytes(data))


# ---- wire frames: a4s_header (size, type, flags, id, function, status, time_ns) + payload ----
def frame(mtype, payload=b"", flags=0, ident=1, function=0, status=0):
    return struct.pack("<IHHIHHQ", 24 + len(payload), mtype, flags, ident, function, status,
                       0) + payload


HELLO = frame(1, struct.pack("<HHIQQ32s", 1, 1, 1, 7, 100000, b"qemu 7.2"))
LAYOUT_REQ = frame(2)
CFG_READ = frame(3, struct.pack("<HHHH", 0x10, 4, 0, 0), function=1)
CFG_WRITE = frame(4, struct.pack("<HHHHII", 0x04, 2, 0, 0, 0x6, 0))
MMIO_WRITE = frame(6, struct.pack("<QIB3s", 0xC0000000, 4, 0, b"") + b"\x01\x00\x00\x00")
MMIO_READ = frame(5, struct.pack("<QIB3s", 0xC0000008, 8, 0, b""))
DMA_READ_REPLY = frame(7, b"\xAA" * 64, flags=1)
DMA_MAP_REPLY = frame(16, struct.pack("<IIQ", 2, 0, 8192) + struct.pack("<IIQ", 0, 4096, 0) +
                      struct.pack("<IIQ", 0xFFFFFFFF, 4096, 0), flags=1)
SYNC = frame(10, struct.pack("<Q", 123456))
MSI = frame(9, struct.pack("<QIHH", 0xFEE00000, 0x41, 1, 0), flags=2)
GOODBYE = frame(14, b"shutting down".ljust(120, b"\0"), flags=2)
ERROR_REPLY = frame(5, flags=1, status=1)
KICK = frame(12)
FRAMES = [HELLO, LAYOUT_REQ, CFG_READ, CFG_WRITE, MMIO_WRITE, MMIO_READ, DMA_READ_REPLY,
          DMA_MAP_REPLY, SYNC, MSI, GOODBYE, ERROR_REPLY, KICK]


def ring_bytes(frames):
    out = b""
    for f in frames:
        out += f + b"\0" * (-len(f) % 8)
    return out


def wire_seeds():
    write("fuzz_wire_frames", "session", b"\x00" + b"".join(FRAMES))
    write("fuzz_wire_frames", "session-in-3-byte-reads", b"\x02" + b"".join(FRAMES))
    for i, f in enumerate(FRAMES):
        write("fuzz_wire_frames", f"frame-{i:02}", b"\xff" + f)
    write("fuzz_shm_ring", "session", ring_bytes(FRAMES))
    write("fuzz_shm_ring", "mmio-burst", ring_bytes([MMIO_WRITE, MMIO_READ] * 20))
    # a padding marker (the producer wrapped), then a message at offset 0
    write("fuzz_shm_ring", "padding", struct.pack("<I", 0xFFFFFFFF) + b"\0" * 4)


# ---- host queue: a 64-byte packet, then host memory from 0x10000 ----
MEMORY = 0x10000


def common_header(opcode=1, chain=0, count=24, distribute=0, indirect=0):
    return struct.pack("<BBBBHBB", 0, 0, opcode, chain, count, distribute, indirect)


def exec_buf(code, args=0, args_len=0):
    return struct.pack("<IIIHHII", 0, code & 0xFFFFFFFF, code >> 32, args_len, 0,
                       args & 0xFFFFFFFF, args >> 32)


def packet(header, completion, payload):
    return header + struct.pack("<Q", completion) + payload.ljust(48, b"\0")


def host_queue_seeds():
    direct = packet(common_header(), 0x20000, exec_buf(0x40000, 0x50000, 16))
    write("fuzz_host_queue", "direct", direct + struct.pack("<4I", 1, 2, 3, 4))
    # indirect: three entries pointing at host_indirect_data blocks in the memory part
    entries = b""
    blocks = b""
    for uc in range(3):
        address = MEMORY + 32 * uc
        entries += struct.pack("<II", address & 0xFFFFFFFF, (address >> 32) | (uc << 25))
        blocks += common_header() + exec_buf(0x40000 + uc * PAGE)
    write("fuzz_host_queue", "indirect-3",
          packet(common_header(count=24, distribute=1, indirect=1), 0x20000, entries) + blocks)
    write("fuzz_host_queue", "runlist-member",
          packet(common_header(chain=1), 0x20008, exec_buf(0x40000)))
    # ERT START_DPU command BO words (in the memory part): header with opcode 18 and count 8
    header = (18 << 23) | (8 << 12) | 1  # opcode START_DPU, count, state NEW
    words = struct.pack("<II", header, 1) + struct.pack("<QQIHH", 0, 0x40000, PAGE, 0, 0) + \
        struct.pack("<II", 0, 0)
    write("fuzz_host_queue", "start-dpu", packet(common_header(), 0, b"") + words)


# ---- device configuration ----
CONFIGS = {
    "empty": "{}",
    "sixteen-vfs": '{"sriov": {"total_vfs": 16}, "pcie": {"msix": {"vectors": 16, '
                   '"table_bar": 0, "table_offset": "0x8000", "pba_bar": 0, '
                   '"pba_offset": "0x9000"}}, "firmware": {"max_contexts": 32}}',
    "bars": '{"pcie": {"bars": [{"index": 0, "size": "0x10000"}, {"index": 2, "size": "0x80000"},'
            ' {"index": 4, "size": 4096}, {"index": 5, "size": 4096}]}}',
    "vf-bars": '{"sriov": {"vf_bars": [{"index": 0, "size": "0x10000", "64bit": true}, '
               '{"index": 2, "size": "0x40000", "64bit": true}]}}',
    "array": '{"aie": {"columns": 4}, "scheduler": {}}',
    "firmware": '{"firmware": {"protocol_minor": 2}}',
}


def config_seeds():
    for name, text in CONFIGS.items():
        write("fuzz_device_config", name, text.encode())


# ---- mailbox: x2i head, tail, then the ring ----
def mailbox_message(opcode, words, ident):
    payload = b"".join(struct.pack("<I", w) for w in words)
    total = len(payload)
    return struct.pack("<IIII", total, (total & 0x7FF) | 0x10000, 0x1D000000 | ident,
                       opcode) + payload


def mailbox_seeds():
    msgs = [mailbox_message(0x30007, [0], 1), mailbox_message(0x30006, [0], 2),
            mailbox_message(0x30001, [1, 1], 3), mailbox_message(0x30003, [1, 4, 0, 0x1000,
                                                                            0x800FFFFF, 1], 4),
            mailbox_message(0x10004, [0, 0], 5)]
    ring = b"".join(msgs)
    write("fuzz_mailbox", "requests", struct.pack("<II", 0, len(ring)) + ring)
    # a tombstone at the end of the ring: the next message is at offset 0
    tail_part = struct.pack("<I", 0xDEADFACE)
    ring = msgs[0] + b"\0" * (0x4000 - 0x100 - len(msgs[0]))
    ring = bytearray(0x4000)
    ring[0:len(msgs[0])] = msgs[0]
    ring[0x3F00:0x3F04] = tail_part
    write("fuzz_mailbox", "wrapped", struct.pack("<II", 0x3F00, len(msgs[0])) + bytes(ring))


# ---- control code: ELFs, pages cut from them, and runs ----
def ctrltext_pages(elf):
    """Every 8 KiB page of the .ctrltext sections of an ELF32 LE file."""
    shoff, = struct.unpack_from("<I", elf, 32)
    shnum, shstrndx = struct.unpack_from("<HH", elf, 48)
    sections = [struct.unpack_from("<IIIIIIIIII", elf, shoff + 40 * i) for i in range(shnum)]
    names = sections[shstrndx]
    pages = []
    for s in sections:
        name_at = names[4] + s[0]
        name = elf[name_at:elf.index(b"\0", name_at)].decode()
        if name.startswith(".ctrltext"):
            body = elf[s[4]:s[4] + s[5]]
            for at in range(0, len(body), PAGE):
                pages.append(body[at:at + PAGE].ljust(PAGE, b"\0"))
    return pages


def control_code_seeds(elfs):
    for path in elfs:
        elf = pathlib.Path(path).read_bytes()
        stem = pathlib.Path(path).stem
        write("fuzz_control_elf", stem, elf)
        pages = ctrltext_pages(elf)
        for i, page in enumerate(pages[:2]):
            # only the used part: the harness pads pages with zeros, as XRT does
            used, = struct.unpack_from("<H", page, 8)
            write("fuzz_cert_page", f"{stem}-page{i}", struct.pack("<H", i) + page[:max(used, 16)])
        if pages:
            used, = struct.unpack_from("<H", pages[0], 8)
            write("fuzz_cert_run", stem, b"\x01" + struct.pack("<4I", 0x1000, 0x2000, 0x3000, 0)
                  + pages[0][:max(used, 16)])


def main():
    wire_seeds()
    host_queue_seeds()
    config_seeds()
    mailbox_seeds()
    control_code_seeds(sys.argv[1:])


if __name__ == "__main__":
    main()
