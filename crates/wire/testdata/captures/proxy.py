#!/usr/bin/env python3
"""Man-in-the-middle logger: listens on 127.0.0.1:LISTEN, forwards to 127.0.0.1:UPSTREAM, and
writes everything the client sent to OUT.client.hex and what the server sent to OUT.server.hex
(one connection). Usage: proxy.py LISTEN UPSTREAM OUT"""
import socket, sys, threading, select
listen, upstream, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", listen)); ls.listen(1)
c, _ = ls.accept()
s = socket.create_connection(("127.0.0.1", upstream))
data = {c: bytearray(), s: bytearray()}
peer = {c: s, s: c}
open_ = {c, s}
while open_:
    r, _, _ = select.select(list(open_), [], [], 5)
    if not r:
        break
    for sock in r:
        try:
            b = sock.recv(65536)
        except OSError:
            b = b""
        if not b:
            open_.discard(sock)
            try: peer[sock].shutdown(socket.SHUT_WR)
            except OSError: pass
            continue
        data[sock] += b
        try: peer[sock].sendall(b)
        except OSError: open_.discard(sock)
open(out + ".client.hex", "w").write(data[c].hex() + "\n")
open(out + ".server.hex", "w").write(data[s].hex() + "\n")
