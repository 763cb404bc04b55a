#!/usr/bin/env bash
# Checks the shipped monitoring files with the real tools: promtool (Debian package prometheus)
# and amtool (prometheus-alertmanager). Run by `npm test` through `npm run test:rules`.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v promtool >/dev/null || ! command -v amtool >/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    echo "monitoring/check.sh: promtool or amtool not found: install Debian's prometheus and prometheus-alertmanager packages as root (apt-get install prometheus prometheus-alertmanager), as .ci/run does" >&2
    exit 1
  fi
  echo "== installing prometheus and prometheus-alertmanager (promtool, amtool)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager >/dev/null
fi
passed=0
check() {
  echo "== $*"
  "$@"
  passed=$((passed + 1))
}
check promtool check rules prometheus/ha-mount.rules.yml
check promtool test rules prometheus/tests/ha-mount.rules.test.yml
check promtool check config prometheus/prometheus.example.yml
check amtool check-config alertmanager/alertmanager.yml
echo "monitoring: ${passed} passed, 0 failed"
