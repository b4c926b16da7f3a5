#!/usr/bin/env bash
# Every CTest name a page cites in backticks (`ch04/...`, `common/...`) must
# be a test of this build — so no page can point at a test that was renamed
# or never written. (A placeholder such as `ch04/solution/...` is not a name.)
#
# A chapter page (chapters/NN_x/README.md) must also keep its claims table
# ("## Claims and the tests that prove them") whole:
#  - every row names a test, or says "not tested here" (with its source);
#  - every test the page names in its prose is in the table too, so a claim
#    the prose proves with a test is a claim of the table;
#  - a page whose prose says "not tested here" has such a row too;
#  - every test of the chapter (chNN/..., but its tour, fuzzers, exercise
#    checks, wrong-solution checks and the guest-kernel fetch) is in the
#    table: no test proves a claim the page does not state.
# And every errata entry ("### ..." in errata.md) names a test or says "not
# tested here".
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

cited_names() { grep -o '`\(common\|ch[0-9][0-9]\)/[^`]*`' | tr -d '`' | is_test_name | sort -u || true; }

for page in "${pages[@]}"; do
  [[ $page =~ chapters/([0-9][0-9])_[^/]*/README\.md$ ]] || continue
  chapter=ch${BASH_REMATCH[1]}
  # The table: the "|" lines of the claims section; the prose: everything else.
  table=$(awk '/^## /{in_claims = ($0 == "## Claims and the tests that prove them")} in_claims && /^\|/' "$page")
  prose=$(awk '/^## /{in_claims = ($0 == "## Claims and the tests that prove them")} !(in_claims && /^\|/)' "$page")
  if [[ -z $table ]]; then
    echo "$page has no claims table (## Claims and the tests that prove them)" >&2; status=1; continue
  fi
  # Rows after the header and the |---| line; the last cell is the proof
  # (a "\|" inside a cell is text, not a column).
  while IFS= read -r row; do
    proof=$(sed 's/\\|/ /g' <<<"$row" | awk -F'|' '{print $(NF-1)}')
    if ! grep -q '`\(common\|ch[0-9][0-9]\)/[^`]*`' <<<"$proof" && ! grep -qi 'not tested here' <<<"$row"; then
      echo "$page: a claims row names no test and does not say \"not tested here\": $row" >&2; status=1
    fi
  done < <(tail -n +3 <<<"$table")
  tabled=$(cited_names <<<"$table")
  while IFS= read -r name; do
    [[ -z $name ]] && continue
    if ! grep -Fxq -- "$name" <<<"$tabled"; then
      echo "$page names a test in its prose that its claims table leaves out: $name" >&2; status=1
    fi
  done < <(cited_names <<<"$prose")
  if grep -qi 'not tested here' <<<"$prose" && ! grep -qi 'not tested here' <<<"$table"; then
    echo "$page says \"not tested here\" in its prose but has no such row in its claims table" >&2; status=1
  fi
  while IFS= read -r name; do
    [[ -z $name ]] && continue
    if ! grep -Fxq -- "$name" <<<"$tabled"; then
      echo "$page: its claims table leaves out the chapter's test: $name" >&2; status=1
    fi
  done < <(grep "^$chapter/" <<<"$known" |
           grep -v -E "^$chapter/(solution/|tour$|fuzz_|fetch the guest kernel$|the exercise stub fails every check$|the wrong solution .* fails a check$)" || true)
done

for page in "${pages[@]}"; do
  [[ $(basename "$page") == errata.md ]] || continue
  unproven=$(awk '
    /^### / { if (q != "" && !ok) print q; q = $0; ok = 0; next }
    /^#/    { if (q != "" && !ok) print q; q = ""; next }
    q != "" && (/`(common|ch[0-9][0-9])\/[^`]*`/ || tolower($0) ~ /not tested here/) { ok = 1 }
    END     { if (q != "" && !ok) print q }' "$page")
  if [[ -n $unproven ]]; then
    echo "$page: entries that name no test and do not say \"not tested here\":" >&2
    echo "$unproven" >&2
    status=1
  fi
done

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
