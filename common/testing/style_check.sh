#!/usr/bin/env bash
# The tree's C++ against the project's own style tools.
#
# Usage: style_check.sh SOURCE_DIR BUILD_DIR format|tidy
#   format: clang-format (the tree's .clang-format) over every .cpp and .hpp
#           of common/, chapters/, exercises/ and solutions/; fails on any
#           line it would change, and prints the first differences.
#   tidy:   clang-tidy (the tree's .clang-tidy) over the source files of the
#           build in BUILD_DIR (its compile_commands.json) that readers copy:
#           the library, the programs and the solutions. Not the tests and
#           exercise checks (each includes doctest: three times the time, for
#           code nobody copies), the exercise stubs (unfinished on purpose),
#           the wrong solutions (wrong on purpose) nor the fuzzers. Fails on
#           any warning.
# Exit 77 (skipped) when the tool is missing or is not version 14: other
# versions format and warn differently, and the tree is kept clean for the
# version Debian 12 ships.
set -euo pipefail
if (($# != 3)); then
  echo "usage: style_check.sh SOURCE_DIR BUILD_DIR format|tidy" >&2
  exit 2
fi
source_dir=$(realpath "$1")
build_dir=$(realpath "$2")
mode=$3

skip() { echo "SKIPPED: $*"; exit 77; }
require_version_14() {  # TOOL PACKAGE
  command -v "$1" >/dev/null || skip "$1 is not installed (apt-get install $2)"
  local version
  version=$("$1" --version | grep -o 'version [0-9]*' | head -n 1)
  [[ $version == "version 14" ]] || skip "the tree is kept clean for $1 14 (Debian 12); this is $1 $version"
}

cd "$source_dir"
case $mode in
  format)
    require_version_14 clang-format clang-format
    mapfile -t files < <(find common chapters exercises solutions \( -name '*.cpp' -o -name '*.hpp' \) | sort)
    failed=0
    for file in "${files[@]}"; do
      if ! clang-format --style=file "$file" | diff -u "$file" - >"$build_dir/style-format.diff"; then
        echo "not formatted: $file (clang-format -i $file)"
        head -n 20 "$build_dir/style-format.diff"
        failed=$((failed + 1))
      fi
    done
    rm -f "$build_dir/style-format.diff"
    echo "clang-format: ${#files[@]} files, $failed not formatted"
    ((failed == 0))
    ;;
  tidy)
    require_version_14 clang-tidy clang-tidy
    command -v run-clang-tidy >/dev/null || skip "run-clang-tidy is not installed (apt-get install clang-tidy)"
    [[ -f $build_dir/compile_commands.json ]] || skip "no compile_commands.json in $build_dir"
    # What readers copy: under the source tree, none of the files left out above.
    mapfile -t files < <(python3 -c '
import json, sys
root = sys.argv[1] + "/"
for entry in json.load(open(sys.argv[2])):
    path = entry["file"]
    name = path.rsplit("/", 1)[1]
    if path.startswith(root) and not any(part in path for part in (
            "/exercises/", "/wrong/", "/tests/", "/exercise/", "/testing/")) \
            and "fuzz" not in name:
        print(path)' "$source_dir" "$build_dir/compile_commands.json" | sort -u)
    log="$build_dir/style-tidy.log"
    # g++'s -Wno-restrict (see MsyncByExample.cmake) is unknown to clang.
    # run-clang-tidy 14 colours its output even into a file: the colour goes.
    run-clang-tidy -quiet -p "$build_dir" -j "$(nproc)" \
      -extra-arg=-Wno-unknown-warning-option "${files[@]}" 2>&1 |
      sed 's/\x1b\[[0-9;]*m//g' >"$log" || true
    warnings=$(grep -c -E '^/.*: (warning|error): ' "$log" || true)
    grep -E -A 3 '^/.*: (warning|error): ' "$log" | head -n 80 || true
    echo "clang-tidy: ${#files[@]} files, $warnings warnings (all of them in $log)"
    ((warnings == 0))
    ;;
  *)
    echo "style_check.sh: unknown mode '$mode' (format or tidy)" >&2
    exit 2
    ;;
esac
