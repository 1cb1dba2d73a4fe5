#!/usr/bin/env bash
# Make sure LibreOffice Writer (soffice, headless) and poppler-utils (pdftoppm, pdffonts)
# are installed, from Debian's packages, with the DejaVu fonts the PDF and the signing
# test use. The document tests that need them are skipped without them; CI runs them.
# Needs root (or sudo) only when it has to install something.
set -euo pipefail

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null; then SUDO="sudo"; fi

if command -v soffice >/dev/null && command -v pdftoppm >/dev/null \
    && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
    echo "LibreOffice, poppler-utils and DejaVu fonts are installed"
    exit 0
fi

echo "Installing LibreOffice Writer (no GUI), poppler-utils and fonts-dejavu-core"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    libreoffice-writer-nogui poppler-utils fonts-dejavu-core >/dev/null
soffice --version
