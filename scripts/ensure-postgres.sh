#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 with trust auth and a
# database `test`, installing it from Debian's packages when it is missing.
# Needs root (or sudo) only when it has to install or start something.
set -euo pipefail

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null; then SUDO="sudo"; fi

answers() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

if command -v pg_isready >/dev/null && answers; then
    echo "PostgreSQL answers on 127.0.0.1:5432"
    exit 0
fi

if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    echo "Installing PostgreSQL from Debian's packages"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi

version="$(ls /etc/postgresql | sort -V | tail -1)"
conf="/etc/postgresql/$version/main"
# Trust local connections: this is a test server on the loopback only.
$SUDO sed -i -E 's/^(local|host)(\s+all\s+all\s+.*\s)(peer|md5|scram-sha-256)$/\1\2trust/' "$conf/pg_hba.conf"
$SUDO sed -i -E 's/^(local\s+all\s+postgres\s+)peer$/\1trust/' "$conf/pg_hba.conf"
$SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || true

for _ in $(seq 1 30); do
    answers && break
    sleep 1
done
answers || { echo "PostgreSQL did not start" >&2; exit 1; }

if ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" | grep -q 1; then
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE test"
fi
echo "PostgreSQL answers on 127.0.0.1:5432"
