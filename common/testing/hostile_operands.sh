#!/usr/bin/env bash
# Every program of the collection against hostile operands: a FIFO, a socket,
# a character device, a procfs file and an empty string, given as each of its
# first one, two or three operands. Usage: hostile_operands.sh BIN_DIR
#
# Each run must end within 30 s (a FIFO is never waited on), exit non-zero
# without a signal (no crash, no SIGBUS, no SIGXFSZ), say why, and leave the
# scratch directory as it was (nothing replaced, no temporary file left).
set -uo pipefail
bin=$(cd "$1" && pwd) || exit 1
scratch=$(mktemp -d "${MBE_SCRATCH_DIR:-${TMPDIR:-/var/tmp}}/mbe-hostile.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cd "$scratch" || exit 1

# (Re)creates the hostile files in the scratch directory, and nothing else.
make_hostile() {
  rm -rf "${scratch:?}"/* "${scratch:?}"/.[!.]*
  mkfifo -m 0600 fifo
  mknod -m 0600 null c 1 3 2>/dev/null
  if command -v python3 >/dev/null; then
    python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$scratch/socket"
  fi
}
make_hostile
hostile=("" /proc/self/status "$scratch/fifo")
if [[ -c null ]]; then hostile+=("$scratch/null"); else echo "note: mknod not permitted, no device case"; fi
if [[ -S socket ]]; then hostile+=("$scratch/socket"); else echo "note: no python3, no socket case"; fi
listing() { ls -lA --time-style=+ "$scratch" | sed 1d; }  # not ".." (others use its parent)
before=$(listing)

# Options some programs need before they look at their operands at all.
declare -A needs=(
  [ch06_torn_reader]="--layout checked" [ch06_torn_writer]="--layout checked"
  [ch07_plug_writer]="--mode ms_sync --records 4" [ch08_fill_disk]="--mib 1"
  [ch10_dirty_threshold]="--pages 4"
)
failures=0 runs=0
for program in "$bin"/ch[0-9][0-9]_*; do
  name=${program##*/}
  # The collection's programs answer --help with "usage: NAME"; test binaries,
  # exercise checks and fuzzers do not, and are left out.
  usage=$(timeout 10 "$program" --help 2>&1 </dev/null | head -1)
  [[ $usage == "usage: $name"* ]] || continue
  for value in "${hostile[@]}"; do
    for count in 1 2 3; do
      args=()
      for ((i = 0; i < count; i++)); do args+=("$value"); done
      # shellcheck disable=SC2206
      extra=(${needs[$name]:-})
      output=$(timeout -k 5 30 "$program" "${args[@]}" "${extra[@]}" </dev/null 2>&1)
      status=$?
      runs=$((runs + 1))
      problem=
      if ((status == 124 || status == 137)); then problem="still running after 30 s (blocked?)"
      elif ((status > 128)); then problem="killed by signal $((status - 128))"
      elif ((status == 0)); then problem="accepted it (exit 0)"
      elif [[ -z $output ]]; then problem="failed without a word"
      fi
      if [[ $(listing) != "$before" ]]; then
        problem+="${problem:+; }changed the scratch directory: $(listing | tr '\n' ' ')"
        make_hostile
      fi
      if [[ -n $problem ]]; then
        echo "FAIL: $name ${args[*]@Q} ${extra[*]}: $problem"
        echo "$output" | head -3 | sed 's/^/    /'
        failures=$((failures + 1))
      fi
    done
  done
done
echo "$runs runs, $failures failures"
((runs > 100)) || { echo "FAIL: too few runs: were the programs built?"; exit 1; }
((failures == 0))
