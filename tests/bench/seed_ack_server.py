#!/usr/bin/env python3
"""The seeds' threaded ACK! server, as the tutorial wrote it (listen(5), a
thread per client, recv(1024), send ACK!, close), with the port as an
argument.  A baseline for `make bench`."""
import socket
import sys
import threading

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server_ip = "127.0.0.1"
server_port = int(sys.argv[1])
sock.bind((server_ip, server_port))
sock.listen(5)
print("[*] Listening on %s:%d" % (server_ip, server_port), flush=True)


def handle_client(client_socket):
    request = client_socket.recv(1024)
    print("[*] Recieved: %s" % request)
    data = "ACK!".encode("utf-8")
    client_socket.send(data)
    client_socket.close()


while True:
    connection, client_addr = sock.accept()
    print("[*] Accepted connection from: %s:%d" % (client_addr[0], client_addr[1]))
    client_handler = threading.Thread(target=handle_client, args=(connection,))
    client_handler.start()
