#!/usr/bin/env bash
# Interop smoke test of the tlskit examples against the system OpenSSL and curl.
#
#   scripts/interop.sh [BACKEND...]      (default: ring rustcrypto openssl)
#
# Builds `cargo build -p tlskit-handshake --examples`, makes a throwaway PKI with the
# openssl CLI, then for each backend:
#   - example server  <- curl (default, --tlsv1.3, --tls-max 1.2, HTTP/1.0, keep-alive),
#                        openssl s_client (-tls1_2, -reconnect; -tls1_3 with -sess_out/-sess_in
#                        resumption, HelloRetryRequest, KeyUpdate), the example client;
#   - example server with --client-ca <- curl with and without a client certificate,
#                        s_client -tls1_3 without one (certificate_required);
#   - example client (TLS 1.3 + 1.2) -> openssl s_server -tls1_2 -www (version negotiation:
#                        full, --resume, client certificate) and s_server -tls1_3 -www (full,
#                        --resume, HelloRetryRequest, client certificate).
# Prints PASS/FAIL per check; exits 1 if any check failed. Every command is bounded by
# `timeout` (TIMEOUT seconds, default 20); every process started here is killed on exit.
set -u

cd "$(dirname "$0")/.." || exit 2
TIMEOUT=${TIMEOUT:-20}
BACKENDS=("$@")
[ ${#BACKENDS[@]} -eq 0 ] && BACKENDS=(ring rustcrypto openssl)

for tool in openssl curl cargo timeout; do
    command -v "$tool" >/dev/null || { echo "FAIL prerequisite: $tool not found"; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/tlskit-interop.XXXXXX")
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
# check NAME LOG PATTERN... : PASS when LOG contains every PATTERN (fixed strings).
check() {
    local name=$1 log=$2 ok=1
    shift 2
    for pattern in "$@"; do
        grep -qF -- "$pattern" "$log" 2>/dev/null || ok=0
    done
    report "$name" "$ok" "$log"
}
# report NAME OK(1/0) LOG
report() {
    if [ "$2" -eq 1 ]; then
        echo "PASS $1"
        passed=$((passed + 1))
    else
        echo "FAIL $1"
        failed=$((failed + 1))
        [ -f "$3" ] && sed 's/^/    | /' "$3" | tail -n 15
    fi
}

echo "== building the examples"
if ! timeout 600 cargo build -q -p tlskit-handshake --examples; then
    echo "FAIL cargo build -p tlskit-handshake --examples"
    exit 1
fi
target_dir=$(cargo metadata -q --format-version 1 --no-deps 2>/dev/null |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
client_bin="${target_dir:-target}/debug/examples/client"
server_bin="${target_dir:-target}/debug/examples/server"

echo "== making a test PKI in $work"
pki_log="$work/pki.log"
(
    set -e
    cd "$work"
    cat >ca.cnf <<'EOF'
[req]
distinguished_name = dn
prompt = no
x509_extensions = v3_ca
[dn]
CN = tlskit interop CA
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
EOF
    cat >server.ext <<'EOF'
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
    cat >client.ext <<'EOF'
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:client.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
    ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
    openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.pem -days 30 -config ca.cnf
    for who in server client; do
        openssl req -new "${ec[@]}" -keyout "$who.key" -out "$who.csr" -subj "/CN=tlskit $who"
        openssl x509 -req -in "$who.csr" -CA ca.pem -CAkey ca.key -days 30 \
            -set_serial "0x$(openssl rand -hex 8)" -extfile "$who.ext" -out "$who.pem"
    done
) >"$pki_log" 2>&1 || { echo "FAIL making the PKI"; cat "$pki_log"; exit 1; }

# wait_for FILE SED_EXPR : prints the first match of SED_EXPR in FILE (waits up to 10 s).
wait_for() {
    local i value
    for i in $(seq 1 100); do
        value=$(sed -n "$2" "$1" 2>/dev/null | head -n 1)
        [ -n "$value" ] && { echo "$value"; return 0; }
        sleep 0.1
    done
    return 1
}

# start_server LOG ARGS... : starts the example server, sets $port.
start_server() {
    local log=$1
    shift
    timeout 300 "$server_bin" --listen 127.0.0.1:0 --cert "$work/server.pem" \
        --key "$work/server.key" "$@" >"$log" 2>&1 &
    pids+=($!)
    port=$(wait_for "$log" 's/^listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p') || {
        echo "FAIL example server did not start"
        cat "$log"
        port=
        return 1
    }
}

# start_s_server LOG ARGS... : starts openssl s_server on an ephemeral port, sets $port
# (ARGS include the version: -tls1_2 or -tls1_3).
start_s_server() {
    local log=$1
    shift
    timeout 300 openssl s_server -accept 127.0.0.1:0 -cert "$work/server.pem" \
        -key "$work/server.key" "$@" </dev/null >"$log" 2>&1 &
    pids+=($!)
    port=$(wait_for "$log" 's/^ACCEPT 127\.0\.0\.1:\([0-9]*\)$/\1/p') || {
        echo "FAIL openssl s_server did not start"
        cat "$log"
        port=
        return 1
    }
}

ca=(--cacert "$work/ca.pem")
http11_close=$'GET /s_client HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'

# s_client13 LOG ARGS... : a verified s_client -tls1_3 to the example server on $port,
# sending the GET above (stdin from the caller when ARGS lack -ign_eof).
s_client13() {
    local log=$1
    shift
    timeout "$TIMEOUT" openssl s_client -tls1_3 -connect "127.0.0.1:$port" \
        -servername localhost -verify_hostname localhost -CAfile "$work/ca.pem" \
        -verify_return_error "$@" >"$log" 2>&1
}

# msg_follows LOG HEADER BYTES : PASS when an s_client -msg record line HEADER is followed
# by a hex line starting with BYTES.
msg_follows() {
    grep -A1 -F -- "$2" "$1" 2>/dev/null | grep -qE "^ +$3"
}

for b in "${BACKENDS[@]}"; do
    echo "== backend $b: clients -> tlskit example server"
    if start_server "$work/server-$b.log" --backend "$b"; then
        url="https://localhost:$port"
        log="$work/curl-$b.log"
        timeout "$TIMEOUT" curl -sS "${ca[@]}" "$url/" >"$log" 2>&1
        check "[$b] curl --cacert ca.pem $url/" "$log" "Hello from tlskit" "backend: $b"

        log="$work/curl12-$b.log"
        timeout "$TIMEOUT" curl -sS --tls-max 1.2 "${ca[@]}" "$url/tls12" >"$log" 2>&1
        check "[$b] curl --tls-max 1.2" "$log" "protocol: TLSv1.2" "request: GET /tls12"

        log="$work/curl10-$b.log"
        timeout "$TIMEOUT" curl -sS -v --tls-max 1.2 --http1.0 "${ca[@]}" "$url/old" >"$log" 2>&1
        check "[$b] curl --tls-max 1.2 --http1.0 (server ends with close_notify)" "$log" \
            "request: GET /old HTTP/1.0" "protocol: TLSv1.2" "(IN), TLS alert, close notify"

        log="$work/curl-keepalive-$b.log"
        timeout "$TIMEOUT" curl -sS -v "${ca[@]}" "$url/one" "$url/two" >"$log" 2>&1
        check "[$b] curl keep-alive, two requests on one connection" "$log" \
            "request: GET /one" "request: GET /two" "existing connection"

        log="$work/s_client-$b.log"
        printf '%s' "$http11_close" | timeout "$TIMEOUT" openssl s_client -tls1_2 \
            -connect "127.0.0.1:$port" -servername localhost -verify_hostname localhost \
            -CAfile "$work/ca.pem" -verify_return_error -ign_eof >"$log" 2>&1
        check "[$b] openssl s_client -tls1_2 (GET, Connection: close)" "$log" \
            "Verify return code: 0 (ok)" "HTTP/1.1 200 OK" "request: GET /s_client HTTP/1.1"

        log="$work/s_client-reconnect-$b.log"
        printf '%s' "$http11_close" | timeout "$TIMEOUT" openssl s_client -tls1_2 \
            -connect "127.0.0.1:$port" -servername localhost -CAfile "$work/ca.pem" \
            -verify_return_error -ign_eof -reconnect >"$log" 2>&1
        reused=$(grep -c '^Reused, TLSv1.2' "$log")
        [ "$reused" -ge 5 ] && ok=1 || ok=0
        report "[$b] openssl s_client -reconnect ($reused of 5 reconnections resumed)" "$ok" "$log"

        log="$work/curl13-$b.log"
        timeout "$TIMEOUT" curl -sS --tlsv1.3 "${ca[@]}" "$url/tls13" >"$log" 2>&1
        check "[$b] curl --tlsv1.3" "$log" "protocol: TLSv1.3" "request: GET /tls13"

        log="$work/s_client13-$b.log"
        printf '%s' "$http11_close" | s_client13 "$log" -ign_eof
        check "[$b] openssl s_client -tls1_3 (GET, Connection: close)" "$log" \
            "New, TLSv1.3, Cipher is" "Verify return code: 0 (ok)" "HTTP/1.1 200 OK" \
            "protocol: TLSv1.3"

        sess="$work/session13-$b.pem"
        printf '%s' "$http11_close" | s_client13 "$work/s_client13-sess_out-$b.log" \
            -ign_eof -sess_out "$sess"
        log="$work/s_client13-sess_in-$b.log"
        printf '%s' "$http11_close" | s_client13 "$log" -ign_eof -sess_in "$sess"
        check "[$b] openssl s_client -tls1_3 -sess_out, then -sess_in (ticket resumption)" \
            "$log" "Reused, TLSv1.3, Cipher is" "resumed: yes" "HTTP/1.1 200 OK"

        # The example server prefers X25519, then P-256. s_client offers P-384 then P-256
        # and sends a share for P-384 only, so the server asks for P-256: HelloRetryRequest
        # (s_client -msg shows it as a second ServerHello).
        log="$work/s_client13-hrr-$b.log"
        printf '%s' "$http11_close" | s_client13 "$log" -ign_eof -groups P-384:P-256 -msg
        count=$(grep -c -E '^<<< TLS 1\.3, Handshake \[length [0-9a-f]+\], ServerHello$' "$log")
        [ "$count" -eq 2 ] && grep -qF "key exchange: secp256r1" "$log" &&
            grep -qF "HTTP/1.1 200 OK" "$log" && ok=1 || ok=0
        report "[$b] openssl s_client -tls1_3 -groups P-384:P-256 (HelloRetryRequest, $count ServerHellos)" \
            "$ok" "$log"

        # K on stdin: KeyUpdate(update_requested); the server must answer with its own
        # KeyUpdate(update_not_requested), then serve the request under the new keys.
        log="$work/s_client13-keyupdate-$b.log"
        { printf 'K\n'; sleep 1; printf '%s' "$http11_close"; sleep 3; } |
            s_client13 "$log" -msg
        msg_follows "$log" "<<< TLS 1.3, Handshake [length 0005], KeyUpdate" "18 00 00 01 00" &&
            msg_follows "$log" ">>> TLS 1.3, Handshake [length 0005], KeyUpdate" "18 00 00 01 01" &&
            grep -qF "HTTP/1.1 200 OK" "$log" && ok=1 || ok=0
        report "[$b] openssl s_client -tls1_3, K (KeyUpdate answered), then GET" "$ok" "$log"

        log="$work/client-to-server-$b.log"
        timeout "$TIMEOUT" "$client_bin" --connect "127.0.0.1:$port" --server-name localhost \
            --ca "$work/ca.pem" --backend "$b" --resume >"$log" 2>&1
        check "[$b] example client -> example server (--resume)" "$log" \
            "Hello from tlskit" "second connection resumed: yes"
    fi

    echo "== backend $b: client authentication at the tlskit example server"
    if start_server "$work/server-auth-$b.log" --backend "$b" --client-ca "$work/ca.pem"; then
        url="https://localhost:$port/"
        log="$work/curl-cert-$b.log"
        timeout "$TIMEOUT" curl -sS "${ca[@]}" --cert "$work/client.pem" \
            --key "$work/client.key" "$url" >"$log" 2>&1
        check "[$b] curl --cert client.pem (required client auth)" "$log" \
            "client certificate: verified chain of"

        log="$work/curl-nocert-$b.log"
        timeout "$TIMEOUT" curl -sS "${ca[@]}" "$url" >"$log" 2>&1
        status=$?
        [ "$status" -ne 0 ] && ! grep -qF "Hello from tlskit" "$log" && ok=1 || ok=0
        report "[$b] curl without a client certificate is refused (curl exit $status)" "$ok" "$log"

        log="$work/s_client13-cert-$b.log"
        printf '%s' "$http11_close" | s_client13 "$log" -ign_eof -cert "$work/client.pem" \
            -key "$work/client.key"
        check "[$b] openssl s_client -tls1_3 -cert client.pem (required client auth)" "$log" \
            "HTTP/1.1 200 OK" "client certificate: verified chain of"

        log="$work/s_client13-nocert-$b.log"
        printf '%s' "$http11_close" | s_client13 "$log" -ign_eof
        check "[$b] openssl s_client -tls1_3 without a client certificate: certificate_required" \
            "$log" "alert certificate required"
    fi

    echo "== backend $b: tlskit example client (TLS 1.3 + 1.2) -> openssl s_server -tls1_2"
    if start_s_server "$work/s_server-$b.log" -tls1_2 -www; then
        log="$work/client-$b.log"
        timeout "$TIMEOUT" "$client_bin" --connect "127.0.0.1:$port" --server-name localhost \
            --ca "$work/ca.pem" --backend "$b" >"$log" 2>&1
        check "[$b] example client -> s_server -tls1_2 -www (1.2 negotiated, no downgrade alarm)" \
            "$log" "HTTP/1.0 200 ok" "New, TLSv1.2, Cipher is"

        log="$work/client-resume-$b.log"
        timeout "$TIMEOUT" "$client_bin" --connect "127.0.0.1:$port" --server-name localhost \
            --ca "$work/ca.pem" --backend "$b" --resume >"$log" 2>&1
        check "[$b] example client --resume -> s_server -tls1_2 -www" "$log" \
            "Reused, TLSv1.2, Cipher is" "second connection resumed: yes"
    fi
    if start_s_server "$work/s_server-verify-$b.log" -tls1_2 -www -Verify 1 \
        -verify_return_error -CAfile "$work/ca.pem"; then
        log="$work/client-cert-$b.log"
        timeout "$TIMEOUT" "$client_bin" --connect "127.0.0.1:$port" --server-name localhost \
            --ca "$work/ca.pem" --backend "$b" --cert "$work/client.pem" \
            --key "$work/client.key" >"$log" 2>&1
        grep -qF "no client certificate available" "$log" && ok=0 || ok=1
        grep -qF "HTTP/1.0 200 ok" "$log" || ok=0
        report "[$b] example client --cert -> s_server -tls1_2 -Verify 1" "$ok" "$log"
    fi

    echo "== backend $b: tlskit example client -> openssl s_server -tls1_3"
    if start_s_server "$work/s_server13-$b.log" -tls1_3 -www; then
        log="$work/client13-$b.log"
        timeout "$TIMEOUT" "$client_bin" --connect "127.0.0.1:$port" --server-name localhost \
            --ca "$work/ca.pem" --backend "$b" >"$log" 2>&1
        check "[$b] example client -> s_server -tls1_3 -www" "$log" "HTTP/1.0 200 ok" \
            "New, TLSv1.3, Cipher is"

        log="$work/client13-resume-$b.log"
        timeout "$TIMEOUT" "$client_bin" --connect "127.0.0.1:$port" --server-name localhost \
            --ca "$work/ca.pem" --backend "$b" --resume >"$log" 2>&1
        check "[$b] example client --resume -> s_server -tls1_3 -www (ticket)" "$log" \
            "Reused, TLSv1.3, Cipher is" "second connection resumed: yes"
    fi
    # The example client sends an X25519 share; s_server takes only P-384: HelloRetryRequest.
    if start_s_server "$work/s_server13-hrr-$b.log" -tls1_3 -www -groups P-384; then
        log="$work/client13-hrr-$b.log"
        timeout "$TIMEOUT" "$client_bin" --connect "127.0.0.1:$port" --server-name localhost \
            --ca "$work/ca.pem" --backend "$b" --resume --trace >"$log" 2>&1
        check "[$b] example client -> s_server -tls1_3 -groups P-384 (HelloRetryRequest, resumed)" \
            "$log" "Server → Client: HelloRetryRequest" "group=secp384r1" \
            "Reused, TLSv1.3, Cipher is" "second connection resumed: yes"
    fi
    if start_s_server "$work/s_server13-verify-$b.log" -tls1_3 -www -Verify 1 \
        -verify_return_error -CAfile "$work/ca.pem"; then
        log="$work/client13-cert-$b.log"
        timeout "$TIMEOUT" "$client_bin" --connect "127.0.0.1:$port" --server-name localhost \
            --ca "$work/ca.pem" --backend "$b" --cert "$work/client.pem" \
            --key "$work/client.key" >"$log" 2>&1
        grep -qF "no client certificate available" "$log" && ok=0 || ok=1
        grep -qF "HTTP/1.0 200 ok" "$log" || ok=0
        report "[$b] example client --cert -> s_server -tls1_3 -Verify 1" "$ok" "$log"

        log="$work/client13-nocert-$b.log"
        timeout "$TIMEOUT" "$client_bin" --connect "127.0.0.1:$port" --server-name localhost \
            --ca "$work/ca.pem" --backend "$b" >"$log" 2>&1
        check "[$b] example client without a cert -> s_server -tls1_3 -Verify 1 (refused)" \
            "$log" "certificate_required"
    fi
done

echo "== $passed passed, $failed failed"
[ "$failed" -eq 0 ]
