#!/usr/bin/env bash
# Pacemaker's own scheduler corpus (../shared/pcmk-cts/xml, 799 CIBs of Pacemaker 2.1.5) through
# `vigil simulate` and the installed crm_simulate: PASS (placement and transition summary agree),
# PLACED (placement agrees), DIFF and REFUSED (a feature Vigil refuses by name), by feature, and
# the share among the CIBs whose every feature Vigil implements. Needs Debian's
# pacemaker-cli-utils (scripts/deps.sh installs it). Takes a minute or so.
#
#   bash scripts/conformance.sh [XML_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
exec build/bin/pcmk_corpus "$@"
