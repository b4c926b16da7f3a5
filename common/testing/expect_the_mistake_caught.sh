#!/usr/bin/env bash
# Proves a wrong solution is caught: runs the checks built against it, each
# on its own, until one fails with a message that names the mistake — the
# text of the wrong solution's "// Caught by: ..." line. Passes then; fails
# when every check passes (the mistake would go unnoticed) or when the
# failures never name it. A wrong solution marked "// Caught only under
# ThreadSanitizer" is skipped, with that reason, in a build without it.
# Usage: expect_the_mistake_caught.sh CHECK_BINARY WRONG_SOLUTION.cpp BUILT_WITH_TSAN(0|1)
set -uo pipefail
binary=$1
source_file=$2
tsan=$3
mistake=$(sed -n 's|^// Caught by: ||p' "$source_file" | head -n 1)
if [[ -z $mistake ]]; then
  echo "FAIL: $source_file has no '// Caught by: <words of the failing check>' line"
  exit 1
fi
if grep -q '^// Caught only under ThreadSanitizer' "$source_file" && [[ $tsan != 1 ]]; then
  echo "SKIPPED: $(basename "$source_file") is caught only by ThreadSanitizer: cmake --workflow --preset exercises-tsan"
  exit 77
fi
mapfile -t cases < <("$binary" --list-test-cases --no-version 2>/dev/null |
                     grep -v -E '^\[doctest\]|^=+$' | sed '/^[[:space:]]*$/d')
if ((${#cases[@]} == 0)); then
  echo "FAIL: $binary lists no checks"
  exit 1
fi
failed=0
skipped=0
for name in "${cases[@]}"; do
  output=$("$binary" --test-case="$name" 2>&1)
  status=$?
  if ((status == 77)); then
    skipped=$((skipped + 1))
    echo "skipped: \"$name\" ($(grep -m1 '^SKIPPED:' <<<"$output"))"
  elif ((status != 0)); then
    failed=$((failed + 1))
    if grep -qF -- "$mistake" <<<"$output"; then
      printf '%s\n' "$output"
      echo "ok: the check \"$name\" catches $(basename "$source_file") and says: $mistake"
      exit 0
    fi
    echo "the check \"$name\" fails without naming the mistake:"
    printf '%s\n' "$output" | sed 's/^/    /'
  else
    echo "passes: \"$name\""
  fi
done
if ((failed == 0 && skipped > 0)); then
  echo "SKIPPED: no check failed, and $skipped could not run here: the wrong solution cannot be judged on this machine"
  exit 77
fi
if ((failed == 0)); then
  echo "FAIL: $(basename "$source_file") passes all ${#cases[@]} checks: the mistake goes unnoticed"
else
  echo "FAIL: $failed checks fail, but none says \"$mistake\""
fi
exit 1
