#!/usr/bin/env bash
# Shows that the page check (check_named_tests.sh) fails where it must: it is
# run on small pages made here — one good, and one for each way a page can
# break the rules — and must pass the good one and fail each broken one with
# its own message. Usage: expect_page_check_fails.sh BUILD_DIR
set -uo pipefail
build_dir=$1
check="$(dirname "$0")/check_named_tests.sh"
work=$(mktemp -d "${MBE_SCRATCH_DIR:-${TMPDIR:-/tmp}}/page-check.XXXXXX")
trap 'rm -rf "$work"' EXIT

existing='common/crc32c matches the published check values'
failures=0
known=$(ctest --test-dir "$build_dir" -N)  # whole, not piped: no SIGPIPE under pipefail
if ! grep -Fq ": $existing" <<<"$known"; then
  echo "SKIPPED: $build_dir has no test suite (no \"$existing\") to check pages against"
  exit 77
fi

# page DIR: writes standard input to DIR/README.md under the work directory,
# EXISTING replaced by the name of a test that exists; prints its path.
page() {
  mkdir -p "$work/$1"
  sed "s|EXISTING|$existing|g" >"$work/$1/README.md"
  echo "$work/$1/README.md"
}

# expect STATUS MESSAGE PAGE...: the check exits with STATUS and, when
# failing, says MESSAGE.
expect() {
  local want=$1 message=$2
  shift 2
  local output got
  output=$(bash "$check" "$build_dir" "$@" 2>&1)
  got=$?
  if ((got != want)) || [[ $want != 0 && $output != *"$message"* ]]; then
    echo "FAIL: expected status $want and '$message', got $got:"
    printf '%s\n' "$output"
    failures=$((failures + 1))
  else
    echo "ok: status $got ${message:+- $message}"
  fi
}

good=$(page chapters/98_good <<'PAGE'
# Good

Proven: `EXISTING`. Not tested here: what other systems do.

## Claims and the tests that prove them

| Claim | Test |
|---|---|
| CRC-32C is right. | `EXISTING` |
| Other systems differ (not tested here; source: their manuals). | — |

## Next
PAGE
)
expect 0 "" "$good"

missing=$(page chapters/98_missing <<'PAGE'
## Claims and the tests that prove them

| Claim | Test |
|---|---|
| A claim. | `ch98/no such test` |
PAGE
)
expect 1 "names a test that does not exist: ch98/no such test" "$missing"

prose=$(page chapters/98_prose <<'PAGE'
Proven: `EXISTING`.

## Claims and the tests that prove them

| Claim | Test |
|---|---|
| Other systems differ (not tested here). | — |
PAGE
)
expect 1 "names a test in its prose that its claims table leaves out: $existing" "$prose"

untested=$(page chapters/98_untested <<'PAGE'
## Claims and the tests that prove them

| Claim | Test |
|---|---|
| A claim nobody proves. | — |
PAGE
)
expect 1 "a claims row names no test" "$untested"

unmarked=$(page chapters/98_unmarked <<'PAGE'
Not tested here: other systems.

## Claims and the tests that prove them

| Claim | Test |
|---|---|
| CRC-32C is right. | `EXISTING` |
PAGE
)
expect 1 'in its prose but has no such row' "$unmarked"

no_table=$(page chapters/98_no_table <<<'# A page with claims and no table')
expect 1 "has no claims table" "$no_table"

chapter_test=$(page chapters/00_fake <<'PAGE'
## Claims and the tests that prove them

| Claim | Test |
|---|---|
| A new file has nothing cached. | `ch00/a new sparse file has no page in the page cache` |
PAGE
)
expect 1 "its claims table leaves out the chapter's test: ch00/" "$chapter_test"

mkdir -p "$work/docs"
printf '%s\n' '# Errata' '' '### "A claim"' '' '- **True here:** something, proven nowhere.' >"$work/docs/errata.md"
expect 1 "entries that name no test" "$work/docs/errata.md"

((failures == 0)) || { echo "$failures of the cases above went wrong"; exit 1; }
echo "the page check fails on every broken page and passes the good one"
