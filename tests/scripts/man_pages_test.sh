#!/usr/bin/env bash
# The manual pages as man renders them: every page of the build (roff from ronn) formats without
# a warning from groff, names itself in its NAME line, and says what it is in the first screen.
set -euo pipefail
dir=$1
status=0
for page in vigild.8 vigil.8 vigil-crm.8 vigil.conf.5; do
  file=$dir/$page
  if [ ! -s "$file" ]; then
    echo "$page: missing from $dir" >&2
    status=1
    continue
  fi
  warnings=$(MANWIDTH=80 man --warnings -E UTF-8 -l "$file" 2>&1 >/dev/null || true)
  if [ -n "$warnings" ]; then
    echo "$page: $warnings" >&2
    status=1
  fi
  name=${page%.*}
  if ! MANWIDTH=80 man -E UTF-8 -l "$file" 2>/dev/null | grep -A1 '^NAME' | grep -q "^ *$name - "; then
    echo "$page: no NAME line for $name" >&2
    status=1
  fi
done
[ $status -eq 0 ] && echo "man pages: 4 pages format cleanly"
exit $status
