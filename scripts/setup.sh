#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine with only the Rust toolchain lacks:
# the system OpenSSL library and headers (for tlskit-crypto-openssl), pkg-config (to find
# them), the `openssl` command-line tool and GnuTLS's `gnutls-cli` / `gnutls-serv`
# (gnutls-bin; real TLS peers in the interop tests) and curl.
set -euo pipefail

need=()
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
{ command -v gnutls-cli && command -v gnutls-serv; } >/dev/null 2>&1 || need+=(gnutls-bin)
command -v curl >/dev/null 2>&1 || need+=(curl)
dpkg -s libssl-dev >/dev/null 2>&1 || need+=(libssl-dev)
command -v cc >/dev/null 2>&1 || need+=(build-essential)

if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
echo "setup: ok ($(openssl version); $(gnutls-cli --version | head -n 1))"
