#!/usr/bin/env bash
# Every program that takes a FILE or DIR operand, run under a file-size limit
# of 1000 bytes (prlimit --fsize): whatever it creates must end in an error
# message (EFBIG) or a success — never a death by SIGXFSZ, whose default
# action kills without a word. Usage: file_size_limit.sh BIN_DIR
set -uo pipefail
bin=$(cd "$1" && pwd) || exit 1
command -v prlimit >/dev/null || { echo "SKIPPED: needs prlimit (util-linux)"; exit 77; }
scratch=$(mktemp -d "${MBE_SCRATCH_DIR:-${TMPDIR:-/var/tmp}}/mbe-fsize.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# Options some programs need; short runs for the measuring ones.
declare -A needs=(
  [ch06_torn_reader]="--layout checked" [ch06_torn_writer]="--layout checked"
  [ch07_plug_writer]="--mode none --records 64" [ch08_fill_disk]="--mib 1"
  [ch02_three_ways_timed]="--rounds 1" [ch04_mapping_size_cost]="--rounds 1"
  [ch04_folio_amplification]="--tries 1" [ch10_cost_benchmark]="--rounds 1"
  [ch10_writeback_timeline]="--seconds 1" [ch06_state_writer]="--updates 100"
  [ch10_dirty_threshold]="--pages 4"
)
failures=0 runs=0 refused=0
for program in "$bin"/ch[0-9][0-9]_*; do
  name=${program##*/}
  # The collection's programs answer --help with "usage: NAME"; test binaries,
  # exercise checks and fuzzers do not, and are left out.
  usage=$(timeout 10 "$program" --help 2>&1 </dev/null | head -1)
  [[ $usage == "usage: $name"* ]] || continue
  work="$scratch/$name"
  mkdir "$work"
  case $usage in
    *" DIR"*) args=("$work") ;;
    *" FILE TEXT"*) args=("$work/file" "$(printf '%02000d' 0)") ;;
    *" FILE"*) args=("$work/file") ;;
    *" LOG IMAGE"*) continue ;;  # reads its operands: nothing to create
    *) continue ;;
  esac
  # shellcheck disable=SC2206
  extra=(${needs[$name]:-})
  output=$(timeout -k 5 120 prlimit --fsize=1000 "$program" "${args[@]}" "${extra[@]}" </dev/null 2>&1)
  status=$?
  runs=$((runs + 1))
  if ((status == 128 + 25)); then
    echo "FAIL: $name: killed by SIGXFSZ"
    failures=$((failures + 1))
  elif ((status > 128 || status == 124)); then
    echo "FAIL: $name: ended with status $status"
    echo "$output" | tail -3 | sed 's/^/    /'
    failures=$((failures + 1))
  elif [[ $output == *EFBIG* ]]; then
    refused=$((refused + 1))
  fi
done
echo "$runs programs, $refused refused with EFBIG, $failures failures"
((refused >= 10)) || { echo "FAIL: fewer than 10 programs met the limit: did the test run?"; exit 1; }
((failures == 0))
