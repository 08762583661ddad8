#!/usr/bin/env python3
"""Many clients at once, for the tests of tcptool's servers (echo, ack).
Loopback only.  Every wait is bounded; a failure exits 1 with one line.

  echo-many HOST PORT N MAXSIZE    N clients at once, each sends its own random
                                   bytes (1..MAXSIZE), half-closes, and must get
                                   exactly them back, then EOF; prints "N ok"
  hold HOST PORT N                 opens N connections, checks that each echoes a
                                   byte, prints "held N", then waits until killed
  no-read HOST PORT LIMIT          sends without reading until the server stops
                                   taking bytes (or LIMIT bytes); prints
                                   "stalled after BYTES", then waits until killed
  fd-exhaust HOST PORT N PID       opens N connections and sends a byte on each;
                                   prints "served K" for the echoes within 1 s and
                                   "cpu MS" (the server PID's CPU time in that
                                   second); closes the served ones; prints "then
                                   served M" once the rest are echoed
  ack-many HOST PORT N             N clients at once, each sends "hello I" and
                                   must read exactly the reply, then EOF;
                                   prints "N ok"
"""
import os
import random
import selectors
import socket
import sys
import time

DEADLINE = 30  # seconds, for any one phase


def fail(msg):
    print("clients.py: " + msg, file=sys.stderr, flush=True)
    sys.exit(1)


def connect_all(host, port, n):
    socks = []
    for _ in range(n):
        s = socket.create_connection((host, port), timeout=DEADLINE)
        socks.append(s)
    return socks


def echo_many(host, port, n, maxsize):
    sel = selectors.DefaultSelector()
    rng = random.Random(1234)
    state = {}
    for s in connect_all(host, port, n):
        s.setblocking(False)
        data = rng.randbytes(rng.randint(1, maxsize))
        state[s] = {"data": data, "sent": 0, "got": bytearray(), "eof": False}
        sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
    left = n
    end = time.monotonic() + DEADLINE
    while left:
        if time.monotonic() > end:
            fail("echo-many: %d of %d clients unfinished" % (left, n))
        for key, ev in sel.select(1):
            s, st = key.fileobj, state[key.fileobj]
            if ev & selectors.EVENT_WRITE and st["sent"] < len(st["data"]):
                try:
                    st["sent"] += s.send(st["data"][st["sent"]:st["sent"] + 65536])
                except BlockingIOError:
                    pass
                if st["sent"] == len(st["data"]):
                    s.shutdown(socket.SHUT_WR)
                    sel.modify(s, selectors.EVENT_READ)
            if ev & selectors.EVENT_READ:
                chunk = s.recv(65536)
                if chunk:
                    st["got"] += chunk
                    if len(st["got"]) > len(st["data"]):
                        fail("echo-many: more bytes back than sent")
                    continue
                if st["got"] != st["data"]:
                    fail("echo-many: EOF after %d of %d bytes, or different bytes"
                         % (len(st["got"]), len(st["data"])))
                if st["sent"] < len(st["data"]):
                    fail("echo-many: EOF before all bytes were sent")
                sel.unregister(s)
                s.close()
                left -= 1
    print("%d ok" % n, flush=True)


def echo_byte(socks, wait):
    """Sends one byte on each socket; returns the set echoed within wait seconds."""
    sel = selectors.DefaultSelector()
    for s in socks:
        s.setblocking(False)
        s.send(b"e")
        sel.register(s, selectors.EVENT_READ)
    echoed = set()
    end = time.monotonic() + wait
    while len(echoed) < len(socks) and time.monotonic() < end:
        for key, _ in sel.select(max(0, end - time.monotonic())):
            if key.fileobj.recv(1) != b"e":
                fail("wrong byte back, or EOF")
            echoed.add(key.fileobj)
            sel.unregister(key.fileobj)
    sel.close()
    return echoed


def hold(host, port, n):
    socks = connect_all(host, port, n)
    echoed = echo_byte(socks, DEADLINE)
    if len(echoed) != n:
        fail("hold: only %d of %d connections echoed" % (len(echoed), n))
    print("held %d" % n, flush=True)
    time.sleep(3600)


def no_read(host, port, limit):
    s = socket.create_connection((host, port), timeout=DEADLINE)
    s.settimeout(1)
    sent = 0
    chunk = b"n" * 65536
    while sent < limit:
        try:
            sent += s.send(chunk)
        except socket.timeout:
            break
    print("stalled after %d" % sent, flush=True)
    time.sleep(3600)


def cpu_ms(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks * 1000 // os.sysconf("SC_CLK_TCK")


def fd_exhaust(host, port, n, pid):
    socks = connect_all(host, port, n)
    before = cpu_ms(pid)
    served = echo_byte(socks, 1.0)
    print("served %d" % len(served), flush=True)
    print("cpu %d" % (cpu_ms(pid) - before), flush=True)
    rest = [s for s in socks if s not in served]
    for s in served:
        s.close()
    sel = selectors.DefaultSelector()
    for s in rest:
        sel.register(s, selectors.EVENT_READ)
    got = 0
    end = time.monotonic() + DEADLINE
    while got < len(rest) and time.monotonic() < end:
        for key, _ in sel.select(1):
            if key.fileobj.recv(1) != b"e":
                fail("fd-exhaust: wrong byte back, or EOF")
            sel.unregister(key.fileobj)
            key.fileobj.close()  # its descriptor lets the next one in
            got += 1
    print("then served %d" % got, flush=True)


def ack_many(host, port, n, reply):
    sel = selectors.DefaultSelector()
    state = {}
    for i, s in enumerate(connect_all(host, port, n)):
        s.setblocking(False)
        s.send(b"hello %d" % i)
        state[s] = bytearray()
        sel.register(s, selectors.EVENT_READ)
    left = n
    end = time.monotonic() + DEADLINE
    while left:
        if time.monotonic() > end:
            fail("ack-many: %d of %d clients unanswered" % (left, n))
        for key, _ in sel.select(1):
            s = key.fileobj
            chunk = s.recv(4096)
            if chunk:
                state[s] += chunk
                continue
            if bytes(state[s]) != reply:
                fail("ack-many: got %r" % bytes(state[s]))
            sel.unregister(s)
            s.close()
            left -= 1
    print("%d ok" % n, flush=True)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    mode, host, port, args = argv[0], argv[1], int(argv[2]), argv[3:]
    if mode == "echo-many":
        echo_many(host, port, int(args[0]), int(args[1]))
    elif mode == "hold":
        hold(host, port, int(args[0]))
    elif mode == "no-read":
        no_read(host, port, int(args[0]))
    elif mode == "fd-exhaust":
        fd_exhaust(host, port, int(args[0]), int(args[1]))
    elif mode == "ack-many":
        ack_many(host, port, int(args[0]), args[1].encode() if args[1:] else b"ACK!")
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main(sys.argv[1:])
