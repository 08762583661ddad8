#!/usr/bin/env python3
"""Peers that end a connection in different ways, for the tests of
tcptool shutdown.  Loopback only.

Each mode listens on ADDR (default 127.0.0.1) port 0, prints
"listening on ADDR:PORT" to stderr (the same line as tcptool), serves one
client and prints what it sees of the connection to stdout, one line per
step, flushed at once:

  accepted              the client is connected
  got N bytes: TEXT     what a read returned (TEXT as Python repr)
  eof                   a read returned 0: the client's FIN
  error ENAME           a read failed (ECONNRESET...)
  sent TEXT             what the peer sent (send-on-signal, talk-after-fin)
  closed                the peer closed its socket (close-first, talk-after-fin:
                        the connection ended without a reset)
  sent RST              the peer closed with SO_LINGER 0
  reset ENAME           talk-after-fin: the client reset the connection

Modes:
  echo [ADDR]             echo everything back; at the client's FIN close (our FIN)
  hold [ADDR]             accept, then neither read nor close until killed
  close-first [ADDR]      close at once after accept (FIN), then sleep until killed
  reset-on-eof [ADDR]     read until the client's FIN, then close with SO_LINGER 0 (RST)
  reset-now [ADDR]        close with SO_LINGER 0 (RST) at once after accept, then sleep
  talk-then-reset [ADDR]  send "last words\\n", then close with SO_LINGER 0 (RST) at once
  talk-after-fin [ADDR]   read until the client's FIN, send "bye\\n", shutdown(SHUT_WR),
                          wait (bounded) for the connection to reach CLOSE and print
                          "closed" or "reset ENAME" (the client reset it), then close
  send-on-signal FIFO [ADDR]
                          after accept, read one line from FIFO (the test's signal),
                          send it without its newline, then close (FIN)

Nothing here sleeps to synchronise: the client's FIN, its RST or a line
on a FIFO written by the test is what moves a peer to its next step.
"""
import errno
import os
import select
import socket
import struct
import sys
import time

import peer  # the listening and naming helpers, shared with peer.py

# The TCP states of linux/tcp.h that matter here.
TCP_CLOSE = 7
# Bounded waits: no peer runs forever on its own.
HOLD_SECONDS = 120
SETTLE_SECONDS = 5


def die(msg):
    print("closer.py: " + msg, file=sys.stderr)
    sys.exit(2)


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def serve(addr):
    """peer.py's serve(), and a line to say the client is in."""
    conn = peer.serve(addr)
    say("accepted")
    return conn


def errname(e):
    return errno.errorcode.get(e.errno, str(e.errno)) if e.errno else type(e).__name__


def read_step(conn):
    """One read, reported.  Returns the data, b"" at EOF, None on error."""
    try:
        data = conn.recv(1 << 16)
    except OSError as e:
        say("error " + errname(e))
        return None
    if data:
        say("got %d bytes: %r" % (len(data), data))
    else:
        say("eof")
    return data


def read_until_end(conn):
    """Reads until EOF or an error.  True at EOF."""
    while True:
        data = read_step(conn)
        if not data:
            return data is not None


def rst_close(conn):
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def tcp_state(conn):
    return conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]


def hold():
    time.sleep(HOLD_SECONDS)


def main(argv):
    if not argv:
        die("usage: see the top of this file")
    mode, args = argv[0], argv[1:]

    if mode == "send-on-signal":
        if not args:
            die("send-on-signal needs a FIFO")
        fifo, args = args[0], args[1:]
    addr = args[0] if args else "127.0.0.1"

    if mode == "echo":
        conn = serve(addr)
        while True:
            data = read_step(conn)
            if not data:
                break
            conn.sendall(data)
        conn.close()

    elif mode == "hold":
        conn = serve(addr)
        hold()
        conn.close()

    elif mode == "close-first":
        conn = serve(addr)
        conn.close()
        say("closed")
        hold()

    elif mode == "reset-on-eof":
        conn = serve(addr)
        read_until_end(conn)
        rst_close(conn)
        say("sent RST")

    elif mode == "reset-now":
        conn = serve(addr)
        rst_close(conn)
        say("sent RST")
        hold()

    elif mode == "talk-then-reset":
        conn = serve(addr)
        conn.sendall(b"last words\n")
        rst_close(conn)
        say("sent RST")
        hold()

    elif mode == "talk-after-fin":
        conn = serve(addr)
        if read_until_end(conn):
            try:
                conn.sendall(b"bye\n")
                say("sent 'bye\\n'")
                conn.shutdown(socket.SHUT_WR)
            except OSError as e:
                # The client's RST may come back before the send returns.
                say("send or shutdown failed: " + errname(e))
            # The end of the connection is a state, not an event a poll can
            # wait for: sample it (bounded) until CLOSE.
            deadline = time.monotonic() + SETTLE_SECONDS
            while tcp_state(conn) != TCP_CLOSE and time.monotonic() < deadline:
                select.select([], [], [], 0.001)
            err = conn.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if tcp_state(conn) != TCP_CLOSE:
                say("still open")
            elif err:
                say("reset " + errno.errorcode.get(err, str(err)))
            else:
                say("closed")
        conn.close()

    elif mode == "send-on-signal":
        conn = serve(addr)
        with open(fifo, "rb") as fh:
            line = fh.readline()
        text = line.rstrip(b"\n")
        conn.sendall(text)
        say("sent %r" % text)
        conn.close()

    else:
        die("unknown mode " + mode)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except KeyboardInterrupt:
        sys.exit(130)
