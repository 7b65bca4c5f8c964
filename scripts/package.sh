#!/usr/bin/env bash
# Builds Vigil's Debian package from the tree into build/packages/ (CPack's DEB generator on the
# build tree: the programs, plugins, Pacemaker's tools, man pages, the systemd unit, the init
# script, logrotate, bash completion, /etc/vigil/vigil.conf.example), then checks it with lintian
# (errors fail).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
(cd build && cpack -G DEB >/dev/null)
deb=$(ls -t build/packages/vigil_*.deb | head -1)
echo "package: $deb"
if command -v lintian >/dev/null; then
  lintian --tag-display-limit 0 "$deb" > build/packages/lintian.txt 2>&1 || true
  if grep -q '^E: ' build/packages/lintian.txt; then
    grep '^E: ' build/packages/lintian.txt >&2
    echo "package: lintian found errors" >&2
    exit 1
  fi
  echo "lintian: no errors ($(grep -c '^W: ' build/packages/lintian.txt || true) warnings, in build/packages/lintian.txt)"
else
  echo "package: lintian is not installed (bash scripts/deps.sh installs it)" >&2
  exit 1
fi
