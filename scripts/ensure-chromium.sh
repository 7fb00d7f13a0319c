#!/usr/bin/env bash
# The browser tests drive the system's Chromium (Playwright cannot download its own here).
# Install Debian's package when it is missing and we are allowed to.
set -euo pipefail
command -v chromium >/dev/null 2>&1 && exit 0
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium for the browser tests (Debian package)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q chromium fonts-dejavu-core >/dev/null
else
  echo "Chromium is missing: install it (Debian: apt-get install chromium) or the browser tests will fail." >&2
fi
