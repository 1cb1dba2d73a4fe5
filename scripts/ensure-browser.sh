#!/usr/bin/env bash
# Make sure Debian's Chromium and its WebDriver (chromedriver) are installed, for the
# dashboard's browser tests (tests/web). Those tests are skipped without them outside CI;
# CI runs them. Needs root (or sudo) only when it has to install something.
set -euo pipefail

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null; then SUDO="sudo"; fi

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    echo "Chromium and chromedriver are installed"
    exit 0
fi

echo "Installing chromium and chromium-driver"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    chromium chromium-driver fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
/usr/bin/chromedriver --version
