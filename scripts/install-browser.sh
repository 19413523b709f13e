#!/usr/bin/env bash
# Install the browser the web tests drive (tests/web): Debian's chromium, plus a Chinese font so screenshots
# show text rather than boxes. Idempotent: does nothing when /usr/bin/chromium and a Chinese font are there.
# Playwright (a Python package in the venv) drives it; `playwright install` is never run (it downloads a browser).
set -euo pipefail

have_font() { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ]; }

if [ -x /usr/bin/chromium ] && have_font; then
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null | head -n 1) (already installed)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-browser.sh: run as root (apt-get install chromium)" >&2; exit 1; }
  SUDO="sudo"
fi

packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
have_font || packages+=(fonts-wqy-microhei)

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${packages[@]}"
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
