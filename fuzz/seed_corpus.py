#!/usr/bin/env python3
"""Writes seed corpora under fuzz/corpus/<target>/ from the tlskit-wire test fixtures
(RFC 8448 messages and records, captured openssl/curl streams), plus, for the connection
targets, real client and server streams and complete tlskit flights (`examples/gen_seeds.rs`,
built and run here unless --no-tlskit). Run from fuzz/. Deterministic: same files every run."""
import os
import subprocess
import sys

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


def put_named(target, name, data):
    d = f"corpus/{target}"
    os.makedirs(d, exist_ok=True)
    open(f"{d}/{name}", "wb").write(data)


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


# server_connection: byte 0 = chunk size (bits 0-4) | HRR (bit 5) | client auth (6) | ALPN (7),
# then a client's stream. Real clients: openssl s_client and curl, TLS 1.2 and 1.3 (their
# ClientHello is plaintext and reaches the server's hello processing; what follows was
# encrypted for another server and ends in bad_record_mac or a Finished mismatch).
# client_connection: byte 0 = chunk size (bits 0-5) | ALPN (6) | client cert (7), then a
# server's stream: OpenSSL s_server flights (TLS 1.2 with and without CertificateRequest,
# TLS 1.3); they answer another ClientHello, so they exercise parsing up to the first check
# that binds the flight to our hello.
for k, f in enumerate(sorted(os.listdir(BASE + "/captures"))):
    if not f.endswith(".hex"):
        continue
    s = bytes.fromhex(open(BASE + "/captures/" + f).read().strip())
    name = f[: -len(".hex")]
    if f.endswith(".client.hex"):
        for i, first in enumerate([31, 0x40 | 7, 0x80 | 0x20 | 15]):
            put_named("server_connection", f"{name}-{i}", bytes([first]) + s)
    else:
        for i, first in enumerate([63, 0x40 | 15, 0x80 | 3]):
            put_named("client_connection", f"{name}-{i}", bytes([first]) + s)

# handshake_mitm: [options, direction | op << 1, k, param, mask, bytes...]. One seed per
# option set and operation, aimed at early records (see handshake_mitm.rs for the layout).
n = 0
for opts in [0, 1, 2, 3, 4, 8, 10, 16, 17, 32, 33, 34, 64, 65, 14, 46, 128, 129, 160, 0xCE]:
    for op in range(8):
        for direction in (0, 1):
            k = (n * 3) % 5
            param = [21, 22, 23, 20, 5, 9, 40, 1][(n + op) % 8]
            payload = bytes([2, 40]) if op == 5 and param == 21 else bytes([1, 0, 0, 4, 0, 0, 0, 0])
            put_named("handshake_mitm", f"mitm-{opts:02x}-{op}-{direction}",
                      bytes([opts, direction | op << 1, k, param, 0x80]) + payload)
            n += 1
# Session-id resumption (TLS 1.2, no ticket) and two TLS 1.3 tickets, untampered and with
# the first records of each direction dropped.
for opts, extra in [(0x21, 16), (0x23, 16), (0x20, 32), (0xA0, 32)]:
    for op in (4, 7):
        for direction in (0, 1):
            put_named("handshake_mitm", f"mitm-{opts:02x}-{extra}-{op}-{direction}",
                      bytes([opts, extra | direction | op << 1, 1, 0, 0x80]))

if "--no-tlskit" not in sys.argv:
    # Complete tlskit flights (deterministic provider and PKI shared with the targets).
    subprocess.run(["cargo", "run", "--quiet", "--release", "--example", "gen_seeds"], check=True)

# x509_chain: DER certificates from the captured TLS 1.2 Certificate messages (OpenSSL's
# self-signed ECDSA and RSA server certificates) and the fuzz PKI (Ed25519, P-256).
import base64

ders = []
for t, bodies in by_type.items():
    if t != 11:
        continue
    for b in bodies:
        j = 3
        while j + 3 <= len(b):
            l = int.from_bytes(b[j : j + 3], "big")
            if l == 0 or j + 3 + l > len(b):
                break  # TLS 1.3 form (context + extensions): skip
            ders.append(b[j + 3 : j + 3 + l])
            j += 3 + l
for f in sorted(os.listdir("pki")):
    if f.endswith(".crt"):
        pem = open("pki/" + f).read()
        body = "".join(l for l in pem.splitlines() if not l.startswith("-----"))
        ders.append(base64.b64decode(body))
for k, d in enumerate(ders):
    if d[:1] == b"\x30":
        put_named("x509_chain", f"cert-{k:02}", d)
