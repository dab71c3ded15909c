#!/usr/bin/python3
"""tests/1609-forge.py LOG APPID YEAR ADD: append to the index log LOG a
record ('R' frame, lib/index.c) for APPID that is its latest payload with
ADD half hours more of professional hours in YEAR: a forged
index record, as anyone who can write the store could append one.  The
frame is well formed (CRC-32C and all), so the index takes it as
trusted."""
import struct
import sys

MAGIC = 0x31584943
IDLEN = 39


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def var(buf, i):
    v = s = 0
    while True:
        b = buf[i]
        i += 1
        v |= (b & 0x7F) << s
        s += 7
        if not b & 0x80:
            return v, i


def put_var(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


log, appid = sys.argv[1], sys.argv[2].encode()
want, add = int(sys.argv[3]), int(sys.argv[4])
buf = open(log, "rb").read()
off, last = 0, None
while off + 16 <= len(buf):
    magic, n = struct.unpack_from("<II", buf, off)
    if magic != MAGIC:
        break
    body = buf[off + 8:off + 8 + n]
    if body[0:1] in (b"R", b"P") and body[1:1 + IDLEN] == appid:
        last = body
    off += n + 16
if last is None:
    sys.exit("no record of %s" % appid.decode())
head, p = last[:1 + IDLEN + 16], last[1 + IDLEN + 16:]
i = 4
for _ in range(6):              # name, unit, series, level, region, wait
    i += 1 + p[i]
_, i = var(p, i)                # updated
ny = p[i]
i += 1
out = p[:i]
for _ in range(ny):
    year, i = var(p, i)
    pub, i = var(p, i)
    pro, i = var(p, i)
    out += put_var(year) + put_var(pub) + put_var(pro + add if year == want
                                                    else pro)
forged = out + p[i:]
body = b"R" + head[1:] + forged
n = struct.pack("<I", len(body))
crc = crc32c(body, crc32c(n))
with open(log, "ab") as f:
    f.write(struct.pack("<II", MAGIC, len(body)) + body +
            struct.pack("<II", crc, len(body)))
