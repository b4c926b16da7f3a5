#!/usr/bin/env bash
# Runs a libFuzzer target briefly, as a test. Usage:
#   run_fuzzer.sh FUZZER SECONDS [SEED_PROGRAM | SEED_DIR]   fuzz for SECONDS
#       seconds; the corpus starts with small files that SEED_PROGRAM FILE
#       --records N writes, or with a copy of the files in SEED_DIR
#   run_fuzzer.sh --skip REASON                    print why, exit 77 (skipped)
set -euo pipefail
if [[ $1 == --skip ]]; then
  echo "SKIPPED: $2"
  exit 77
fi
fuzzer=$1 seconds=$2 seed_program=${3:-}

scratch=$(mktemp -d "${MBE_SCRATCH_DIR:-${TMPDIR:-/var/tmp}}/mbe-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/corpus"
if [[ -d $seed_program ]]; then
  cp "$seed_program"/* "$scratch/corpus/"
elif [[ -n $seed_program ]]; then
  for records in 1 3; do
    "$seed_program" "$scratch/corpus/seed-$records" --records "$records" --record-size 32 --durability none >/dev/null
  done
fi
# A finding makes libFuzzer exit non-zero and leave the input that crashed in
# the test's working directory (the build tree): fuzz-crash-<sha1>.
"$fuzzer" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
  -artifact_prefix="$PWD/fuzz-" "$scratch/corpus"
echo "fuzzed for $seconds s: no crash, no sanitizer report"
