#!/usr/bin/env python3
"""Misbehaving peers for tests/faults.bats.  Loopback only; every wait is
bounded, and a failure exits 1 with one line on stderr.

  cycles HOST PORT N            N connect/close cycles, one after the other, in
                                four kinds taken in turn: connect and close;
                                send a byte, read the answer, close; send and
                                close with RST (SO_LINGER 0) at once; connect and
                                close with RST.  Prints "N cycles".
  trickle HOST PORT TEXT GAP    connect, print "connected", send TEXT one byte at
                                a time GAP seconds apart while reading whatever
                                comes back (also after the peer's FIN: the rest
                                is still sent), half-close, read until EOF;
                                prints "N bytes back, sha256 HEX", what came
                                back as Python repr (or "(long)" past 256
                                bytes), then "eof" or "reset"
  rst-lines HOST PORT LINES     send LINES lines "line N\\n" without reading,
                                wait for the first byte of an answer, then
                                close with RST with the answers unread;
                                prints "reset after N bytes back"
  rst-sink RECV [ADDR]          listen on ADDR (default 127.0.0.1) port 0 with a
                                4 KiB receive buffer and an MSS of 536, print "listening on
                                ADDR:PORT" to stderr, accept one client, read
                                until RECV bytes came, then close with RST while
                                the client is still sending; prints "got N"
  send-rst HOST PORT N          connect, send N bytes "y", close with RST at once;
                                prints "sent N"
  fd-holder HOST PORT N         open N connections, print "held N", then hold
                                them, idle, until killed (at most 60 s)
"""
import hashlib
import select
import socket
import struct
import sys
import time

DEADLINE = 30


def fail(msg):
    print("fault_peers.py: " + msg, file=sys.stderr, flush=True)
    sys.exit(1)


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def dial(host, port):
    return socket.create_connection((host, int(port)), timeout=DEADLINE)


def rst_close(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def cycles(host, port, n):
    for i in range(n):
        s = dial(host, port)
        kind = i % 4
        if kind == 0:
            s.close()
        elif kind == 1:
            s.sendall(b"?")
            if not s.recv(64):
                fail("cycle %d: EOF instead of an answer" % i)
            s.close()
        elif kind == 2:
            s.sendall(b"bye")
            rst_close(s)
        else:
            rst_close(s)
    print("%d cycles" % n, flush=True)


def trickle(host, port, text, gap):
    s = dial(host, port)
    print("connected", flush=True)
    got = bytearray()
    state = "eof"
    eof = False
    try:
        for b in text:
            s.sendall(bytes([b]))
            end = time.monotonic() + gap
            while True:
                left = end - time.monotonic()
                if left <= 0:
                    break
                r, _, _ = select.select([] if eof else [s], [], [], left)
                if r:
                    chunk = s.recv(1 << 16)
                    eof = not chunk
                    got += chunk
        s.shutdown(socket.SHUT_WR)
        end = time.monotonic() + DEADLINE
        while not eof and time.monotonic() < end:
            chunk = s.recv(1 << 16)
            eof = not chunk
            got += chunk
    except (ConnectionResetError, BrokenPipeError):
        state = "reset"
    print("%d bytes back, sha256 %s" % (len(got), hashlib.sha256(got).hexdigest()))
    print(repr(bytes(got)) if len(got) <= 256 else "(long)")
    print(state, flush=True)


def rst_lines(host, port, lines):
    s = dial(host, port)
    s.sendall(b"".join(b"line %d\n" % i for i in range(lines)))
    first = s.recv(1)
    if not first:
        fail("rst-lines: EOF instead of an answer")
    rst_close(s)
    print("reset after %d bytes back" % len(first), flush=True)


def rst_sink(want, addr):
    srv = socket.socket(family(addr), socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    # A small MSS keeps the client's send buffer small too (the kernel sizes
    # it from the MSS), so that a long text cannot all be written at once.
    srv.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 536)
    srv.bind((addr, 0))
    srv.listen(1)
    host, port = srv.getsockname()[:2]
    shown = "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)
    print("listening on " + shown, file=sys.stderr, flush=True)
    srv.settimeout(DEADLINE)
    conn, _ = srv.accept()
    srv.close()
    conn.settimeout(DEADLINE)
    got = 0
    while got < want:
        chunk = conn.recv(min(4096, want - got))
        if not chunk:
            break
        got += len(chunk)
    rst_close(conn)
    print("got %d" % got, flush=True)


def send_rst(host, port, n):
    s = dial(host, port)
    s.sendall(b"y" * n)
    rst_close(s)
    print("sent %d" % n, flush=True)


def fd_holder(host, port, n):
    socks = [dial(host, port) for _ in range(n)]
    print("held %d" % len(socks), flush=True)
    time.sleep(60)
    for s in socks:
        s.close()


def main(argv):
    if not argv:
        fail("usage: see the top of this file")
    mode, args = argv[0], argv[1:]
    if mode == "cycles":
        cycles(args[0], args[1], int(args[2]))
    elif mode == "trickle":
        trickle(args[0], args[1], args[2].encode(), float(args[3]))
    elif mode == "rst-lines":
        rst_lines(args[0], args[1], int(args[2]))
    elif mode == "rst-sink":
        rst_sink(int(args[0]), args[1] if len(args) > 1 else "127.0.0.1")
    elif mode == "send-rst":
        send_rst(args[0], args[1], int(args[2]))
    elif mode == "fd-holder":
        fd_holder(args[0], args[1], int(args[2]))
    else:
        fail("unknown mode " + mode)


if __name__ == "__main__":
    main(sys.argv[1:])
