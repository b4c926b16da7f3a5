#!/usr/bin/env bash
# The check of run_one_test.sh: given a whole test name that holds regular
# expression characters (parentheses), it runs that test and only it; given
# a part of a name, it runs nothing and says so.
# Usage: expect_run_one_test.sh BUILD_DIR
set -uo pipefail
build_dir=$1
script="$(dirname "${BASH_SOURCE[0]}")/run_one_test.sh"
name='ch00/solution/a page still under writeback is not durable (writeback pretended)'

output=$(bash "$script" --test-dir "$build_dir" <<<"$name" 2>&1)
status=$?
echo "$output"
if ((status != 0)) || ! grep -q '100% tests passed, 0 tests failed out of 1$' <<<"$output"; then
  echo "FAIL: the whole name did not run exactly one test (exit $status)"
  exit 1
fi
output=$(bash "$script" --test-dir "$build_dir" 'ch00/solution/a page still under writeback' 2>&1)
status=$?
echo "$output"
if ((status != 1)) || ! grep -q 'selects 0 tests' <<<"$output"; then
  echo "FAIL: a part of a name was not refused (exit $status)"
  exit 1
fi
echo "run_one_test.sh ran the one named test and refused a partial name"
