#!/usr/bin/env python3
"""Holds TCP sockets on loopback in known states, for tcptool info's tests.

states.py [HOST]: one listener on HOST (default 127.0.0.1), port 0, and
three connections to it:
  est   an established pair (both ESTABLISHED)
  half  a client that sent FIN (FIN_WAIT2) to a server that has not
        closed (CLOSE_WAIT)
  tw    a client that closed first, so it rests in TIME_WAIT
Prints "NAME PORT" lines (the listener's port, each client's local port),
then "ready", and keeps everything open until killed or stdin closes.
"""
import socket
import sys
import time

host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
family = socket.AF_INET6 if ":" in host else socket.AF_INET
lst = socket.socket(family, socket.SOCK_STREAM)
lst.bind((host, 0))
lst.listen(16)
port = lst.getsockname()[1]


def pair():
    c = socket.socket(family, socket.SOCK_STREAM)
    c.connect((host, port))
    s, _ = lst.accept()
    return c, s


est_c, est_s = pair()
half_c, half_s = pair()
half_c.shutdown(socket.SHUT_WR)
tw_c, tw_s = pair()
tw_port = tw_c.getsockname()[1]
tw_c.close()              # our FIN first: this end will rest in TIME_WAIT
assert tw_s.recv(1) == b""
tw_s.close()              # the peer's FIN completes the close

# FIN_WAIT2 needs the peer's ACK of our FIN; CLOSE_WAIT its arrival.
assert half_s.recv(1) == b""
time.sleep(0.05)

print("listen", port)
print("est", est_c.getsockname()[1])
print("half", half_c.getsockname()[1])
print("tw", tw_port)
print("ready", flush=True)
try:
    sys.stdin.read()
    while True:
        time.sleep(60)
except KeyboardInterrupt:
    pass
