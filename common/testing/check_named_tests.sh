#!/usr/bin/env bash
# Every CTest name a page cites in backticks (`ch04/...`, `common/...`) must
# be a test of this build — so no page can point at a test that was renamed
# or never written. (A placeholder such as `ch04/solution/...` is not a name.)
#
# Usage: check_named_tests.sh BUILD_DIR PAGE.md... [--interview PAGE.md]
# With --interview, that page must also have at least 40 questions (headings
# "### ...?") and every answer must name at least one test.
set -euo pipefail
build_dir=$1
shift
pages=() interview=""
while (($#)); do
  if [[ $1 == --interview ]]; then interview=$2; pages+=("$2"); shift 2; else pages+=("$1"); shift; fi
done

known=$(ctest --test-dir "$build_dir" -N | sed -n 's/^ *Test *#[0-9]*: //p')
[[ -n $known ]] || { echo "no tests found in $build_dir" >&2; exit 1; }

# Test names have spaces, but for a few one-word ones; paths and placeholders
# (`common/include/...`, `ch04/solution/...`) are not names.
is_test_name() { grep -v '/\.\.\.$' | grep -E ' |^ch[0-9]{2}/(tour|fuzz_[a-z_]+)$'; }

status=0 cited=0
for page in "${pages[@]}"; do
  while IFS= read -r name; do
    cited=$((cited + 1))
    if ! grep -Fxq -- "$name" <<<"$known"; then
      echo "$page names a test that does not exist: $name" >&2
      status=1
    fi
  done < <(grep -o '`\(common\|ch[0-9][0-9]\)/[^`]*`' "$page" | tr -d '`' | is_test_name || true)
done
echo "$cited test names cited in ${#pages[@]} pages"

if [[ -n $interview ]]; then
  # One line per question: "<tests named in its answer> <heading>".
  report=$(awk '
    /^### / { if (q != "") print n, q; q = $0; n = 0; next }
    /^#/    { if (q != "") print n, q; q = ""; next }
    q != "" { n += gsub(/`(common|ch[0-9][0-9])\/[^`]*`/, "&") }
    END     { if (q != "") print n, q }' "$interview")
  questions=$(grep -c '^### .*?$' "$interview" || true)
  echo "$questions questions in $interview"
  if ((questions < 40)); then echo "fewer than 40 questions" >&2; status=1; fi
  if grep -q '^### .*[^?]$' "$interview"; then
    echo "headings that are not questions:" >&2; grep '^### .*[^?]$' "$interview" >&2; status=1
  fi
  if unproven=$(grep '^0 ' <<<"$report"); then
    echo "answers that name no test:" >&2; echo "$unproven" >&2; status=1
  fi
fi
exit $status
