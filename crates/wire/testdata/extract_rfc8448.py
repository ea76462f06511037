#!/usr/bin/env python3
"""Extracts the plaintext handshake messages and records of RFC 8448 (draft-ietf-tls-tls13-vectors,
September 2018 text in ../../../../shared/rfc/rfc8448-draft.txt) into rfc8448.txt.

Usage: python3 extract_rfc8448.py PATH/TO/rfc8448-draft.txt > rfc8448.txt
"""
import re
import sys

SECTIONS = {"3": "simple", "4": "resumed", "5": "hrr", "6": "client_auth", "7": "compat"}

lines = open(sys.argv[1]).read().split("\n")
section = None
side = None
out = []
counts = {}
i = 0
label_re = re.compile(r"^      ([A-Za-z ]+) \((\d+) octets\):\s+(.*)$")
while i < len(lines):
    line = lines[i]
    m = re.match(r"^(\d)\.  \S", line)
    if m and m.group(1) in SECTIONS:
        section = SECTIONS[m.group(1)]
    m = re.match(r"^   \{(client|server)\}", line)
    if m:
        side = m.group(1)
    m = label_re.match(line)
    if m and section:
        label, n, first = m.group(1), int(m.group(2)), m.group(3)
        hexparts = [first]
        j = i + 1
        while j < len(lines):
            nxt = lines[j]
            if re.match(r"^         [0-9a-f]{2}( [0-9a-f]{2})*\s*$", nxt):
                hexparts.append(nxt)
                j += 1
            elif nxt.strip() == "" or nxt.startswith("Thomson") or nxt.startswith("Internet-Draft") or "\f" in nxt:
                # page breaks interrupt long blocks; keep scanning past them
                k = j
                while k < len(lines) and (lines[k].strip() == "" or lines[k].startswith("Thomson")
                                          or lines[k].startswith("Internet-Draft") or "\f" in lines[k]):
                    k += 1
                if k < len(lines) and re.match(r"^         [0-9a-f]{2}( [0-9a-f]{2})*\s*$", lines[k]):
                    j = k
                else:
                    break
            else:
                break
        data = "".join("".join(hexparts).split())
        if first.strip() == "(empty)":
            data = ""
        if len(data) != 2 * n:
            sys.exit(f"length mismatch for {label} at line {i+1}: {len(data)//2} != {n}")
        name = None
        handshake_names = {"ClientHello", "ServerHello", "EncryptedExtensions", "Certificate",
                           "CertificateRequest", "CertificateVerify", "Finished", "NewSessionTicket",
                           "EndOfEarlyData"}
        if label in handshake_names:
            name = f"{section}.{side}.{label}"
        elif label == "ClientHello prefix":
            name = f"{section}.{side}.ClientHelloPrefix"
        elif label == "complete record" and data[:2] in ("14", "15", "16"):
            name = f"{section}.{side}.record"
        if name:
            counts[name] = counts.get(name, 0) + 1
            out.append(f"{name}.{counts[name]} {data}")
        i = j
        continue
    i += 1

print("# Plaintext handshake messages and records from RFC 8448 (TLS 1.3 traces),")
print("# extracted by extract_rfc8448.py from the September 2018 draft text.")
print("# Copyright (c) 2018 IETF Trust and the persons identified as the document authors;")
print("# code components under the Simplified BSD License (Trust Legal Provisions 4.e).")
print("# Format: <section>.<side>.<Message>.<n> <hex>")
for o in out:
    print(o)
