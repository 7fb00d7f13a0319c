#!/usr/bin/env bash
# Make sure `redis-server` is on PATH for the Redis store's tests: install the Debian package when it
# is missing and we are root with apt-get. Without it those tests skip and say why; nothing else needs it.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing redis-server (Debian package) for the Redis store's tests" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server >/dev/null \
        || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server >/dev/null; } \
        || echo "could not install redis-server: the Redis store's tests will skip" >&2
else
    echo "redis-server is missing and cannot be installed here (not root, or no apt-get): the Redis store's tests will skip" >&2
fi
exit 0
