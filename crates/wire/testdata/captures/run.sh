#!/bin/sh
# run.sh NAME CERT KEY "SERVER_EXTRA" "CLIENT_CMD (use PORT)"
name=$1; cert=$2; key=$3; sextra=$4; ccmd=$5
openssl s_server -accept 52817 -cert $cert -key $key -www $sextra >/dev/null 2>&1 &
spid=$!
sleep 0.5
python3 proxy.py 52818 52817 $name &
ppid=$!
sleep 0.3
PORT=52818 sh -c "$ccmd" >/dev/null 2>&1 </dev/null
wait $ppid
kill $spid 2>/dev/null; wait $spid 2>/dev/null
echo "$name: client $(wc -c < $name.client.hex) server $(wc -c < $name.server.hex) hex chars"
