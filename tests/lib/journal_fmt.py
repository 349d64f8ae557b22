"""journal_fmt - chat-server's journal format (-D), written from its
description in core/journal.h and applets/server/store.c, independently of
the C code: the tests read journals the server wrote and write ones it must
read (hostile ones too). Every integer little-endian."""
import os
import struct
import zlib

SEG_HDR = 24
REC_HDR = 8
BASE = 1


def seg_header(seq, salt, flags=BASE):
    h = b"CBJ1" + struct.pack("<IQI", flags, seq, salt)
    return h + struct.pack("<I", zlib.crc32(h))


def record(payload, salt):
    head = bytes([0xC8, 0x4A]) + struct.pack("<H", len(payload))
    return head + struct.pack("<I", zlib.crc32(payload, zlib.crc32(head, salt))) + payload


def message(room, nick, userhost, text, seq, when_ms, kind=b"P"):
    room, nick, userhost, text = (s.encode() if isinstance(s, str) else s
                                  for s in (room, nick, userhost, text))
    return (b"M" + kind + struct.pack("<QQBBBH", seq, when_ms, len(room), len(nick),
                                      len(userhost), len(text)) + room + nick + userhost + text)


def ceiling(seq):
    """msgids up to SEQ may be in use: a restart numbers above it."""
    return b"S" + struct.pack("<Q", seq)


def ceiling_of(payload):
    return struct.unpack("<Q", payload[1:9])[0]


def gone(room):
    room = room.encode()
    return b"G" + bytes([len(room)]) + room


def write_segment(path, seq, payloads, salt=0x5EED1234, flags=BASE):
    with open(path, "wb") as f:
        f.write(seg_header(seq, salt, flags))
        for p in payloads:
            f.write(record(p, salt))


def segment_name(seq):
    return "%016x.jnl" % seq


def parse(path):
    """(salt, [(offset, payload)]) of an intact segment; raises on damage."""
    data = open(path, "rb").read()
    assert data[:4] == b"CBJ1", "not a segment"
    assert zlib.crc32(data[:20]) == struct.unpack("<I", data[20:24])[0], "bad header"
    salt = struct.unpack("<I", data[16:20])[0]
    out, off = [], SEG_HDR
    while off < len(data):
        n = struct.unpack("<H", data[off + 2:off + 4])[0]
        crc = zlib.crc32(data[off + 8:off + 8 + n], zlib.crc32(data[off:off + 4], salt))
        assert data[off:off + 2] == b"\xc8\x4a" and crc == struct.unpack("<I", data[off + 4:off + 8])[0], \
            "bad record at %d" % off
        out.append((off, data[off + 8:off + 8 + n]))
        off += REC_HDR + n
    return salt, out


def segments(d):
    return sorted(f for f in os.listdir(d) if f.endswith(".jnl"))


def make_journal(state, n, rooms):
    """N messages over ROOMS rooms, as the server would have written them;
    the raw IRC bytes of those messages."""
    os.mkdir(state)
    raw, payloads = 0, []
    for i in range(n):
        room = "#room%d" % (i % rooms)
        nick, uh = "user%d" % (i % 37), "u%d@192.168.1.%d" % (i % 37, i % 250)
        text = "message %d: the quick brown fox jumps over the lazy dog" % i
        payloads.append(message(room, nick, uh, text, i + 1, 1700000000000 + i))
        raw += len(":%s!%s PRIVMSG %s :%s\r\n" % (nick, uh, room, text))
    # in segments of about 256 KiB, as the server rolls them over
    seq, seg, size = 1, [], 0
    for p in payloads:
        seg.append(p)
        size += len(p) + REC_HDR
        if size > 250000:
            write_segment(os.path.join(state, segment_name(seq)), seq, seg,
                          flags=BASE if seq == 1 else 0)
            seq, seg, size = seq + 1, [], 0
    write_segment(os.path.join(state, segment_name(seq)), seq, seg,
                  flags=BASE if seq == 1 else 0)
    return raw
