#!/usr/bin/env python3
"""Writes seed corpora under fuzz/corpus/<target>/ from the tlskit-wire test fixtures
(RFC 8448 messages and records, captured openssl/curl streams). Run from fuzz/."""
import os

BASE = "../crates/wire/testdata"
msgs = []
for line in open(BASE + "/rfc8448.txt"):
    if line.startswith("#") or not line.strip():
        continue
    name, h = line.split()
    b = bytes.fromhex(h)
    if ".record." in name:
        msgs.append(("rec", b))
    elif "Prefix" not in name and name != "resumed.client.ClientHello.1":
        msgs.append(("msg", b))
streams = []
for f in sorted(os.listdir(BASE + "/captures")):
    if not f.endswith(".hex"):
        continue
    s = bytes.fromhex(open(BASE + "/captures/" + f).read().strip())
    streams.append(s)
    i, hs = 0, b""
    while i + 5 <= len(s):
        t, l = s[i], int.from_bytes(s[i + 3 : i + 5], "big")
        p = s[i + 5 : i + 5 + l]
        i += 5 + l
        if t == 20:
            break
        if t == 22:
            hs += p
    j = 0
    while j + 4 <= len(hs):
        l = int.from_bytes(hs[j + 1 : j + 4], "big")
        msgs.append(("msg", hs[j : j + 4 + l]))
        j += 4 + l


def put(target, data, n):
    d = f"corpus/{target}"
    os.makedirs(d, exist_ok=True)
    open(f"{d}/seed{n:03}", "wb").write(data)


TARGETS = {
    1: ["client_hello"],
    2: ["server_hello"],
    4: ["new_session_ticket12", "new_session_ticket13"],
    8: ["extensions"],
    11: ["certificate12", "certificate13"],
    12: ["server_key_exchange"],
    13: ["certificate_request12", "certificate_request13"],
    16: ["client_key_exchange"],
}
by_type = {}
for k, (kind, b) in enumerate(msgs):
    if kind == "rec":
        put("deframer", bytes([k]) + b, k)
        continue
    put("handshake_message", b, k)
    put("joiner", b, k)
    by_type.setdefault(b[0], []).append(b[4:])
for k, s in enumerate(streams):
    put("deframer", bytes([k * 7]) + s, 500 + k)
for t, bodies in by_type.items():
    for k, b in enumerate(bodies):
        for target in TARGETS.get(t, []):
            # extensions: first byte picks the context (3 = EncryptedExtensions).
            put(target, bytes([3]) + b[2:] if target == "extensions" else b, k)
put("alert_ccs", bytes([2, 40]), 0)
put("alert_ccs", bytes([1]), 1)
