#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine with only the Rust toolchain lacks:
# the system OpenSSL library and headers (for tlskit-crypto-openssl), pkg-config (to find
# them), the `openssl` command-line tool and GnuTLS's `gnutls-cli` / `gnutls-serv`
# (gnutls-bin; real TLS peers in the interop tests), Go's toolchain (golang-go; its
# standard-library crypto/tls is the peer of crates/handshake/tests/interop_go.rs, built
# offline by the test) and curl; then python3 with venv and,
# in a virtual environment outside the repository, tlslite-ng (a third interop peer,
# crates/handshake/tests/interop_tlslite.rs; TLSKIT_TLSLITE_VENV overrides the place).
set -euo pipefail

need=()
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
{ command -v gnutls-cli && command -v gnutls-serv; } >/dev/null 2>&1 || need+=(gnutls-bin)
command -v go >/dev/null 2>&1 || need+=(golang-go)
command -v curl >/dev/null 2>&1 || need+=(curl)
dpkg -s libssl-dev >/dev/null 2>&1 || need+=(libssl-dev)
command -v cc >/dev/null 2>&1 || need+=(build-essential)
command -v python3 >/dev/null 2>&1 || need+=(python3)
# Debian's python3 lacks ensurepip (so `python3 -m venv` fails) without python3-venv.
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need+=(python3-venv)

if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# tlslite-ng, pinned (the tests name behaviours of this release), as the invoking user.
tlslite_venv="${TLSKIT_TLSLITE_VENV:-${XDG_DATA_HOME:-$HOME/.local/share}/tlskit/tlslite-venv}"
tlslite_version=0.8.2
if ! "$tlslite_venv/bin/python" -c "import tlslite, sys; sys.exit(tlslite.__version__ != '$tlslite_version')" >/dev/null 2>&1; then
  echo "setup: installing tlslite-ng $tlslite_version into $tlslite_venv"
  python3 -m venv "$tlslite_venv"
  "$tlslite_venv/bin/python" -m pip install -q --disable-pip-version-check "tlslite-ng==$tlslite_version"
fi
echo "setup: ok ($(openssl version); $(gnutls-cli --version | head -n 1); $(go version); tlslite-ng $tlslite_version in $tlslite_venv)"
