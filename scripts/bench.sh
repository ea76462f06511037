#!/usr/bin/env bash
# tlsbench reference run: writes bench-results/<UTC date>/ with one JSON file per run, the
# machine description, a Markdown summary (summary.md) and SVG plots (tlsbench report).
#
# The set: AEAD ceiling per backend; each backend x TLS 1.2/1.3 x ECDSA P-256/RSA-2048, full
# and resumed handshakes; bulk echo on one connection; a thread sweep; and, when the
# `openssl` tool is present, `openssl s_server -www` measured with `openssl s_time` and with
# tlsbench --connect (handshakes per server CPU-second from /proc).
#
# If a TLS backend cannot run, its runs are skipped (the reason is printed and written to
# skipped.txt) and the engine is exercised with `--backend null` instead, so the summary
# and plots are still produced.
#
# Environment: OUT (output directory), CONNS (connections per run, default 10000),
# CONCURRENCY (default 100), BULK (bytes for the bulk run, default 1G), DURATION (seconds
# for s_time, default 10), QUICK=1 (small counts: a smoke test of this script).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${QUICK:-0}" = 1 ]; then
  CONNS=${CONNS:-300} CONCURRENCY=${CONCURRENCY:-20} BULK=${BULK:-8M} DURATION=${DURATION:-2}
fi
CONNS=${CONNS:-10000}
CONCURRENCY=${CONCURRENCY:-100}
BULK=${BULK:-1G}
DURATION=${DURATION:-10}
OUT=${OUT:-bench-results/$(date -u +%Y-%m-%d)}
BACKENDS=(ring rustcrypto openssl)

cargo build --release -p tlsbench
BIN=target/release/tlsbench
mkdir -p "$OUT"
: > "$OUT/skipped.txt"

note() { echo "bench.sh: $*" >&2; }
skip() { echo "$*" >> "$OUT/skipped.txt"; note "skipped: $*"; }

# Runs one tlsbench load; a non-zero exit (failed connections) is recorded, not fatal.
load() {
  local name=$1; shift
  note "load $name"
  if ! "$BIN" "$@" --json "$OUT/$name.json" > "$OUT/$name.txt"; then
    skip "$name: tlsbench exited with an error (see $name.txt and $name.json)"
  fi
}

# CPU seconds (user+system) used so far by process $1, from /proc/PID/stat.
cpu_of() {
  awk -v tck="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.3f\n", ($12 + $13) / tck }' "/proc/$1/stat"
}

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "cpus: $(nproc)"
  echo "kernel: $(uname -sr)"
  echo "rustc: $(rustc --version)"
  echo "openssl: $(openssl version 2>/dev/null || echo absent)"
  echo "tlsbench: $("$BIN" --version)"
  echo "settings: CONNS=$CONNS CONCURRENCY=$CONCURRENCY BULK=$BULK DURATION=$DURATION"
} > "$OUT/machine.txt"

note "AEAD ceiling"
"$BIN" aead --backend all --json "$OUT/aead.json" | tee "$OUT/aead.txt"

if probe=$("$BIN" --backend ring --conns 1 --no-json 2>&1); then
  tls=1
else
  tls=0
  skip "TLS runs: $(echo "$probe" | grep -m1 'could not run' || echo "$probe" | tail -1)"
fi

if [ "$tls" = 1 ]; then
  for backend in "${BACKENDS[@]}"; do
    for version in 1.2 1.3; do
      for cert in ecdsa-p256 rsa-2048; do
        resumed=ticket
        [ "$version" = 1.2 ] && resumed=id
        for resume in none "$resumed"; do
          label="tls${version/./}-$cert-$resume"
          load "load-$backend-$label" --backend "$backend" --tls "$version" --cert "$cert" --resume "$resume" \
            --conns "$CONNS" --concurrency "$CONCURRENCY" --label "$label"
        done
      done
    done
    # --baseline: the same load with --backend null first, and the AEAD's one-core seal
    # rate; the JSON's bulk.vs_null / bulk.vs_aead_ceiling put the TLS figure between them.
    load "bulk-$backend" --backend "$backend" --conns 1 --concurrency 1 --bytes "$BULK" --label "bulk-$BULK" --baseline
  done
  load "scale" scale --backend all --conns "$CONNS" --concurrency "$CONCURRENCY" --label tls13-ecdsa-p256-none \
    --tls 1.3 --cert ecdsa-p256
else
  note "engine-only runs with --backend null (no TLS: figures measure the engine and loopback TCP)"
  load "load-null-engine" --backend null --conns "$CONNS" --concurrency "$CONCURRENCY" --label engine-only
  load "bulk-null" --backend null --conns 1 --concurrency 1 --bytes "$BULK" --label "engine-only-bulk-$BULK"
  load "scale-null" scale --backend null --conns "$CONNS" --concurrency "$CONCURRENCY" --label engine-only
fi

if command -v openssl >/dev/null 2>&1; then
  note "openssl s_server -www baseline"
  work=$(mktemp -d)
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
  port=$((20000 + RANDOM % 20000))
  openssl s_server -quiet -www -accept "$port" -cert "$work/cert.pem" -key "$work/key.pem" > /dev/null 2>&1 &
  server=$!
  trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
  sleep 1
  before=$(cpu_of "$server")
  openssl s_time -connect "127.0.0.1:$port" -new -time "$DURATION" > "$OUT/openssl-s_time.txt" 2>&1 || true
  after=$(cpu_of "$server")
  conns=$(awk '/connections in .* real seconds/ { print $1; exit }' "$OUT/openssl-s_time.txt")
  {
    echo "openssl s_time -new -time $DURATION against openssl s_server -www (ECDSA P-256, default TLS version)"
    echo "s_time connections: ${conns:-unknown}"
    echo "s_server CPU seconds: $(awk -v a="$after" -v b="$before" 'BEGIN { printf "%.3f", a - b }')"
    if [ -n "${conns:-}" ]; then
      awk -v n="$conns" -v a="$after" -v b="$before" \
        'BEGIN { if (a - b > 0) printf "handshakes per s_server CPU-second: %.0f\n", n / (a - b) }'
    fi
  } > "$OUT/openssl-baseline.txt"
  cat "$OUT/openssl-baseline.txt" >&2
  if [ "$tls" = 1 ]; then
    load "connect-openssl-s_server" --backend ring --connect "127.0.0.1:$port" --server-name localhost \
      --ca "$work/cert.pem" --server-pid "$server" --http --conns "$CONNS" --concurrency "$CONCURRENCY" \
      --label "vs-openssl-s_server"
  else
    skip "tlsbench --connect to openssl s_server: needs TLS"
  fi
  kill "$server" 2>/dev/null || true
fi

"$BIN" report "$OUT"
note "results in $OUT (summary.md, *.svg, *.json, machine.txt, skipped.txt)"
