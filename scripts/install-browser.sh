#!/usr/bin/env bash
# Makes a Chromium available for the browser tests.
# Debian's /usr/bin/chromium is preferred (no browser download). As root we install it
# with apt-get; elsewhere we fall back to Playwright's own browser download.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "No /usr/bin/chromium and not root: installing Playwright's own Chromium instead."
"${VENV:-.venv}/bin/python" -m playwright install chromium
