#!/usr/bin/env bash
# Install Debian's chromium for the report's browser test (tests/browser), unless it is there.
# Playwright drives this binary; it never downloads a browser of its own. Needs root (CI runs
# as root) or sudo.
set -euo pipefail

if [[ -x /usr/bin/chromium ]]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium: no /usr/bin/chromium and no apt-get: install Chromium and set MM_CHROMIUM" >&2
  exit 1
fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi
echo "chromium: installing Debian's chromium and fonts-liberation (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
$sudo apt-get install -y -qq chromium fonts-liberation >/dev/null
