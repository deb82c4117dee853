#!/usr/bin/env bash
# Runs before `npm test`: the suite checks responses with Debian's xmllint, opens the dashboard
# in Debian's chromium, and talks to real Redis (127.0.0.1:6379) and PostgreSQL (127.0.0.1:5432).
# Installs or starts what is missing.
set -euo pipefail

if ! command -v xmllint >/dev/null 2>&1; then
  echo "installing libxml2-utils (xmllint)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq libxml2-utils >/dev/null
fi

if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium (the dashboard's browser test)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "starting redis-server"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.2; done
fi

if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
  echo "starting postgresql"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  for _ in $(seq 1 50); do pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1 && break; sleep 0.2; done
fi
