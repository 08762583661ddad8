#!/usr/bin/env python3
"""Socket peers for the tcptool tests, in the style of the Python socket
tutorials that tcptool replaces.  Loopback only.

Servers listen on ADDR port 0 and print "listening on ADDR:PORT" to stderr
(the same line as tcptool, so the tests wait for both the same way), serve
one client and exit.  What a peer learns goes to stdout.

  free-port [ADDR]                 print a port that is free on ADDR now
  oneshot-client HOST PORT         sendall 'Hi there, server', recv(1024), print it, close
  ack-client HOST PORT             send 'Hello World!', recv(1024), print it
  farewell-server [ADDR]           print both socket names, recv(1024), print it,
                                   sendall 'Farewell, client', close
  sink-server [ADDR]               read until EOF; print "BYTES SHA256"; close
  source-server FILE [ADDR]        sendall FILE, shutdown(SHUT_WR), read until EOF, close
  fin-first-server [ADDR]          shutdown(SHUT_WR) at once, then read until EOF and
                                   print what came
  rst-server SEND RECV [ADDR]      send SEND bytes, read RECV bytes, close with RST
  rst-client HOST PORT SEND        send SEND bytes, wait for the first byte back, close with RST
  idle-client HOST PORT            connect, print "connected", then sleep until killed
"""
import hashlib
import socket
import struct
import sys
import time


def die(msg):
    print("peer.py: " + msg, file=sys.stderr)
    sys.exit(2)


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def name(sa):
    host, port = sa[0], sa[1]
    return "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)


def serve(addr):
    """Listens on addr port 0, announces the port, accepts one client."""
    srv = socket.socket(family(addr), socket.SOCK_STREAM)
    srv.bind((addr, 0))
    srv.listen(1)
    print("listening on %s" % name(srv.getsockname()), file=sys.stderr, flush=True)
    conn, _ = srv.accept()
    srv.close()
    return conn


def dial(host, port):
    sock = socket.create_connection((host, int(port)), timeout=30)
    return sock


def read_all(conn):
    chunks = []
    while True:
        data = conn.recv(1 << 16)
        if not data:
            return b"".join(chunks)
        chunks.append(data)


def rst_close(conn):
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def main(argv):
    if not argv:
        die("usage: see the top of this file")
    mode, args = argv[0], argv[1:]
    out = sys.stdout.buffer

    if mode == "free-port":
        addr = args[0] if args else "127.0.0.1"
        s = socket.socket(family(addr), socket.SOCK_STREAM)
        s.bind((addr, 0))
        print(s.getsockname()[1])
        s.close()

    elif mode == "oneshot-client":
        sock = dial(args[0], args[1])
        sock.sendall(b"Hi there, server")
        reply = sock.recv(1024)
        out.write(b"The server said " + reply + b"\n")
        sock.close()

    elif mode == "ack-client":
        client = dial(args[0], args[1])
        client.send("Hello World!".encode("utf-8"))
        response = client.recv(1024)
        out.write(repr(response).encode() + b"\n")
        client.close()

    elif mode == "farewell-server":
        conn = serve(args[0] if args else "127.0.0.1")
        out.write(("Socket name: %s\n" % name(conn.getsockname())).encode())
        out.write(("Socket peer: %s\n" % name(conn.getpeername())).encode())
        message = conn.recv(1024)
        out.write(b"data received from client=" + message + b"\n")
        conn.sendall("Farewell, client".encode())
        conn.close()

    elif mode == "sink-server":
        conn = serve(args[0] if args else "127.0.0.1")
        data = read_all(conn)
        out.write(("%d %s\n" % (len(data), hashlib.sha256(data).hexdigest())).encode())
        conn.close()

    elif mode == "source-server":
        with open(args[0], "rb") as fh:
            data = fh.read()
        conn = serve(args[1] if len(args) > 1 else "127.0.0.1")
        conn.sendall(data)
        conn.shutdown(socket.SHUT_WR)
        rest = read_all(conn)
        out.write(("%d\n" % len(rest)).encode())
        conn.close()

    elif mode == "fin-first-server":
        conn = serve(args[0] if args else "127.0.0.1")
        conn.shutdown(socket.SHUT_WR)
        out.write(read_all(conn))
        conn.close()

    elif mode == "rst-server":
        send, want = int(args[0]), int(args[1])
        conn = serve(args[2] if len(args) > 2 else "127.0.0.1")
        conn.sendall(b"x" * send)
        got = 0
        while got < want:
            data = conn.recv(1 << 16)
            if not data:
                break
            got += len(data)
        rst_close(conn)

    elif mode == "rst-client":
        sock = dial(args[0], args[1])
        sock.sendall(b"y" * int(args[2]))
        sock.recv(1)
        rst_close(sock)

    elif mode == "idle-client":
        sock = dial(args[0], args[1])
        print("connected", flush=True)
        time.sleep(300)
        sock.close()

    else:
        die("unknown mode " + mode)
    out.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
