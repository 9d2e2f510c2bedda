#!/usr/bin/env bash
# The system packages `make run-cluster` needs (Debian): PostgreSQL, Redis and nginx.
set -euo pipefail
PACKAGES=(postgresql redis-server nginx)
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Needed: ${missing[*]} (as root: apt-get install ${missing[*]})" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts the packaged services; the cluster runs its own, on free ports.
nginx -s stop 2>/dev/null || true
