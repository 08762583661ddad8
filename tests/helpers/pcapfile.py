#!/usr/bin/env python3
"""Capture files for tests/trace_file.bats, made from a pcap that tcpdump wrote.

  pcapfile.py pcapng IN OUT          the same frames as pcapng (SHB, IDB, EPBs)
  pcapfile.py relink IN OUT LINKTYPE the IP packets alone, as LINKTYPE
                                     (101 RAW, 228 IPV4, 229 IPV6, 0 NULL)
  pcapfile.py empty OUT LINKTYPE     a pcap header of LINKTYPE and no frame
"""
import socket
import struct
import sys

# Bytes before the IP header, by link type.
LINK_HEADER = {1: 14, 113: 16, 276: 20, 0: 4, 101: 0, 228: 0, 229: 0}


def read_pcap(path):
    """The link type, whether stamps are in ns, and the records (sec, frac, wirelen, data)."""
    with open(path, "rb") as f:
        blob = f.read()
    magic = blob[:4]
    for endian in "<>":
        (m,) = struct.unpack(endian + "I", magic)
        if m in (0xA1B2C3D4, 0xA1B23C4D):
            break
    else:
        sys.exit("%s: not a pcap file" % path)
    nano = m == 0xA1B23C4D
    _, _, _, _, snap, link = struct.unpack(endian + "HHiIII", blob[4:24])
    records, off = [], 24
    while off + 16 <= len(blob):
        sec, frac, caplen, wirelen = struct.unpack(endian + "IIII", blob[off:off + 16])
        records.append((sec, frac, wirelen, blob[off + 16:off + 16 + caplen]))
        off += 16 + caplen
    return link & 0xFFFF, nano, snap, records


def pcap_header(link, nano, snap=262144):
    return struct.pack("<IHHiIII", 0xA1B23C4D if nano else 0xA1B2C3D4, 2, 4, 0, 0, snap, link)


def pcapng(src, dst):
    link, nano, snap, records = read_pcap(src)

    def block(kind, body):
        body += b"\0" * (-len(body) % 4)
        n = len(body) + 12
        return struct.pack("<II", kind, n) + body + struct.pack("<I", n)

    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    # if_tsresol (option 9): 10^-9 or 10^-6, then the end of options.
    opts = struct.pack("<HHB3x", 9, 1, 9 if nano else 6) + struct.pack("<HH", 0, 0)
    out += block(1, struct.pack("<HHI", link, 0, snap) + opts)
    for sec, frac, wirelen, data in records:
        ts = sec * (10**9 if nano else 10**6) + frac
        out += block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(data), wirelen) + data)
    with open(dst, "wb") as f:
        f.write(out)


def relink(src, dst, new_link):
    link, nano, snap, records = read_pcap(src)
    skip = LINK_HEADER[link]
    with open(dst, "wb") as f:
        f.write(pcap_header(new_link, nano, snap))
        for sec, frac, wirelen, data in records:
            ip = data[skip:]
            if new_link == 0:
                family = socket.AF_INET if ip[0] >> 4 == 4 else socket.AF_INET6
                ip = struct.pack("=I", family) + ip
            elif new_link in (228, 229) and ip[0] >> 4 != (4 if new_link == 228 else 6):
                continue
            extra = len(ip) - (len(data) - skip)
            f.write(struct.pack("<IIII", sec, frac, len(ip), wirelen - skip + max(extra, 0)) + ip)


def main():
    cmd = sys.argv[1]
    if cmd == "pcapng":
        pcapng(sys.argv[2], sys.argv[3])
    elif cmd == "relink":
        relink(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif cmd == "empty":
        with open(sys.argv[2], "wb") as f:
            f.write(pcap_header(int(sys.argv[3]), False))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
