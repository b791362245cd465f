#!/bin/sh
# Makes a self-signed certificate for the proxy in compose.yaml, unless the folder already
# holds one: cert.pem (the full chain) and key.pem. Good for a trial only; browsers warn.
set -eu

dir="${1:-/tls}"
if [ -s "$dir/cert.pem" ] && [ -s "$dir/key.pem" ]; then
    echo "tls: using the certificate in $dir"
    exit 0
fi

host="${DJANGO_ALLOWED_HOSTS:-localhost}"
host="${host%%,*}"
host="${host#.}"
[ -n "$host" ] && [ "$host" != "*" ] || host=localhost
names="DNS:localhost,IP:127.0.0.1"
[ "$host" = localhost ] || names="DNS:$host,$names"

mkdir -p "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=$host" \
    -addext "subjectAltName=$names" -keyout "$dir/key.pem" -out "$dir/cert.pem"
chmod 600 "$dir/key.pem"
chmod 644 "$dir/cert.pem"
echo "tls: made a self-signed certificate for $host in $dir"
