#!/usr/bin/env python3
"""The seeds' echo server, as the tutorial wrote it (one client, recv(1024),
sendall it back), with the port as an argument.  A baseline for `make bench`."""
import socket
import sys


def start_server():
    server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server_socket.bind(("127.0.0.1", int(sys.argv[1])))
    server_socket.listen()
    print("Server is waiting for a connection...", flush=True)
    conn, addr = server_socket.accept()
    print(f"Connected by {addr}")
    while True:
        data = conn.recv(1024)
        if not data:
            break
        print(f"Received from client: {data.decode()}")
        conn.sendall(data)
    conn.close()


if __name__ == "__main__":
    start_server()
