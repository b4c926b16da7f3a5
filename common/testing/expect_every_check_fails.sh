#!/usr/bin/env bash
# Proves an exercise stub is still unsolved: runs each check (doctest test
# case) built against the stub on its own and passes only when every one of
# them fails — a stub that passes a check by accident is caught, and a check
# that crashes cannot hide the others. Usage: expect_every_check_fails.sh CHECK_BINARY
set -uo pipefail
binary=$1
mapfile -t cases < <("$binary" --list-test-cases --no-version 2>/dev/null |
                     grep -v -E '^\[doctest\]|^=+$' | sed '/^[[:space:]]*$/d')
if ((${#cases[@]} == 0)); then
  echo "FAIL: $binary lists no checks"
  exit 1
fi
passing=0
for name in "${cases[@]}"; do
  output=$("$binary" --test-case="$name" 2>&1)
  status=$?
  if ((status == 77)); then  # the check skipped itself (MBE_SKIP): the stub cannot be judged here
    printf '%s\n' "$output"
    echo "SKIPPED: the check \"$name\" cannot run on this machine"
    exit 77
  fi
  if ((status == 0)); then
    printf '%s\n' "$output"
    echo "FAIL: the stub passes the check \"$name\""
    passing=$((passing + 1))
  else
    echo "ok: the stub fails \"$name\""
  fi
done
if ((passing > 0)); then
  echo "FAIL: $passing of ${#cases[@]} checks pass on the untouched stub; every check must fail until it is solved"
  exit 1
fi
echo "ok: the stub fails all ${#cases[@]} checks"
