#!/bin/bash
# healthcheck.sh — the container's HEALTHCHECK: GET /healthz (or the path
# given) on the local metrics listener and succeed only on HTTP 200.
#
#   newsflow-healthcheck [PORT [PATH]]      defaults: 9090 /healthz
#
# It uses bash's /dev/tcp, so the runtime image needs no curl or wget (one
# fewer package to patch, and nothing an intruder could use to fetch tools).
# It speaks just enough HTTP/1.0 to read the status line.
port=${1:-9090}
path=${2:-/healthz}
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$path" >&3
IFS= read -r -t 5 status <&3 || exit 1
case $status in
"HTTP/1."?" 200 "*) exit 0 ;;
*) echo "newsflow-healthcheck: $path: ${status%$'\r'}" >&2; exit 1 ;;
esac
