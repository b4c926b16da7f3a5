#!/usr/bin/env bash
# Runs exactly one CTest test, named in full, whatever characters its name
# holds: `ctest -R` takes a regular expression, in which a name such as
# "... (writeback pretended)" is a group and matches nothing, and a '.' or '+'
# matches more than itself. This escapes the name and anchors it, checks that
# it selects exactly one test, then runs that test (output on failure).
#
# Usage: common/testing/run_one_test.sh [--preset PRESET | --test-dir BUILD_DIR] [NAME]
#   The name comes from the argument, or else from the first line of
#   standard input — a quoted here-document takes any name literally:
#     common/testing/run_one_test.sh <<'NAME'
#     ch03/a mapping sees another process's write at once without MS_INVALIDATE
#     NAME
#   PRESET is a test preset of CMakePresets.json (default: dev; dev-slow for
#   the labs and the writeback waits). Run it from the top of the source tree
#   after building that preset. --test-dir names a build tree instead.
set -euo pipefail

preset=dev
selection=()  # how ctest finds the tests: a preset, or a build tree
if [[ ${1-} == --help || ${1-} == -h ]]; then
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
if [[ ${1-} == --preset || ${1-} == --test-dir ]]; then
  [[ $# -ge 2 ]] || { echo "run_one_test.sh: $1 needs a value" >&2; exit 2; }
  if [[ $1 == --preset ]]; then preset=$2; else selection=(--test-dir "$2"); fi
  shift 2
fi
((${#selection[@]})) || selection=(--preset "$preset")
if [[ $# -gt 1 ]]; then
  echo "run_one_test.sh: one test name, quoted as one argument (see --help)" >&2
  exit 2
fi
if [[ $# -eq 1 ]]; then
  name=$1
else
  IFS= read -r name || [[ -n $name ]] || { echo "run_one_test.sh: no test name on standard input" >&2; exit 2; }
fi
[[ -n $name ]] || { echo "run_one_test.sh: empty test name" >&2; exit 2; }

# Every character CMake's regular expressions give a meaning, escaped.
pattern="^$(printf '%s' "$name" | sed 's/[][\\.^$*+?(){}|]/\\&/g')\$"
selected=$(ctest "${selection[@]}" -N -R "$pattern" | sed -n 's/^Total Tests: //p')
if [[ $selected != 1 ]]; then
  echo "run_one_test.sh: '$name' selects ${selected:-no} tests of ${selection[*]}, not one" \
       "(is the name whole, and the preset built?)" >&2
  exit 1
fi
exec ctest "${selection[@]}" --output-on-failure -R "$pattern"
