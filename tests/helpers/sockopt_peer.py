#!/usr/bin/env python3
"""Peers for tests/sockopt.bats, whose socket options' effects need a peer
that behaves in one particular way.  Servers print "listening on ADDR:PORT"
to stderr (as tcptool does) and serve one client.

  lazy-acker [ADDR]     read until EOF, acknowledging as late as the kernel
                        allows: TCP_QUICKACK 0 after every read puts the
                        socket back in "pingpong" mode, where an ACK waits
                        for the delayed-ACK timer (40 ms and more) instead
                        of leaving at once; print the bytes read
  stalled-reader [ADDR] accept, then never read: the window closes once the
                        receive buffer is full, and the kernel goes on
                        answering the sender's window probes; sleep until
                        killed
  trickle N GAP         write N bytes "x" to stdout one at a time, GAP
                        seconds apart (a writer of many small pieces)
"""
import socket
import sys
import time


def serve(addr):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    srv = socket.socket(fam, socket.SOCK_STREAM)
    srv.bind((addr, 0))
    srv.listen(1)
    host, port = srv.getsockname()[:2]
    shown = "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)
    print("listening on " + shown, file=sys.stderr, flush=True)
    srv.settimeout(30)
    conn, _ = srv.accept()
    srv.close()
    conn.settimeout(30)
    return conn


def lazy_acker(addr):
    conn = serve(addr)
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 0)
    total = 0
    while True:
        data = conn.recv(1 << 16)
        if not data:
            break
        total += len(data)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 0)
    print(total, flush=True)
    conn.close()


def stalled_reader(addr):
    conn = serve(addr)
    print("accepted", flush=True)
    time.sleep(3600)
    conn.close()


def trickle(n, gap):
    out = sys.stdout.buffer
    for _ in range(n):
        out.write(b"x")
        out.flush()
        time.sleep(gap)


def main(argv):
    if not argv:
        sys.exit("usage: see the top of " + sys.argv[0])
    mode, args = argv[0], argv[1:]
    if mode == "lazy-acker":
        lazy_acker(args[0] if args else "127.0.0.1")
    elif mode == "stalled-reader":
        stalled_reader(args[0] if args else "127.0.0.1")
    elif mode == "trickle":
        trickle(int(args[0]), float(args[1]))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main(sys.argv[1:])
