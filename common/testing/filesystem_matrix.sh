#!/usr/bin/env bash
# One phase of one column of the filesystem matrix: makes a small filesystem
# of one kind, loop-mounts it in a private mount namespace, runs tests with
# their scratch directory there, then unmounts and removes it. The image file
# lives in a tmpfs of its own (RAM): the filesystem under test, its page cache
# and writeback are the same, and the loop device counts the same bytes and
# flushes, but a flush costs no wait for the host's disk (the btrfs suite took
# 25 s instead of 46 s here, 2026-12-02), and the image's pages are not the
# host's dirty pages, which the writeback waits watch.
#
# Usage: filesystem_matrix.sh BUILD_DIR KIND PHASE [CTEST_ARGS...]
#   KIND: ext4-journal | ext4-nojournal | xfs | btrfs | tmpfs
#   PHASE suite: every test but the matrix itself, the VM lab (its guest has
#   a disk of its own), fuzzing, the checks of the pages and the site, the
#   student's exercise/ tests (none of them depends on the filesystem), the
#   tests no filesystem can change (label any-filesystem: no regular file of
#   the filesystem under test in them; see common/CMakeLists.txt), and the tests
#   that wait for the kernel's own writeback.
#   PHASE kernel-wait: those writeback tests, on a filesystem of their own,
#   so that no other test dirties their device meanwhile (a busy device gets
#   written back early, whatever the age of its pages, and they would measure
#   that instead of the expiry). They only sleep: CTest runs the five columns'
#   waits at the same time, after every column's suite (see common/CMakeLists.txt).
#   BUILD_DIR/filesystem-matrix/KIND/PHASE/ receives junit.xml (CTest's JUnit
#   report) and run.txt (kernel, date, filesystem, duration, status); once
#   both phases of a column are there, its summary for the "What holds where"
#   page goes to BUILD_DIR/filesystem-matrix/results/KIND.tsv
#   (docs/what_holds_where.py). A new suite phase discards the column's
#   earlier waits and summary, so a summary never mixes two runs.
# Exit: the inner ctest's status; 77 (skipped) without root or the mkfs tool,
# or when a writeback wait was skipped as void (the system was busy writing).
#
# The mount lives in a namespace of its own (unshare -m): nobody else sees
# it, the script unmounts it on every exit, and if the script is killed the
# mount still vanishes with the namespace, when the last test still running
# in it ends. The loop device is set up with autoclear, so it goes with the
# last unmount; a killed run's image is removed by the next run.
set -euo pipefail

if (($# < 3)); then
  echo "usage: filesystem_matrix.sh BUILD_DIR KIND suite|kernel-wait [CTEST_ARGS...]" >&2
  exit 2
fi
build_dir=$(realpath "$1")
kind=$2
phase=$3
shift 3
case $phase in
  suite) tests=(-LE "^(matrix|lab|torture|fuzz|docs|docs-source|style|any-filesystem|kernel-wait)$") ;;
  kernel-wait) tests=(-L "^kernel-wait$") ;;
  *) echo "filesystem_matrix.sh: unknown phase '$phase' (suite or kernel-wait)" >&2; exit 2 ;;
esac

skip() { echo "SKIPPED: $*"; exit 77; }

case $kind in
  ext4-journal | ext4-nojournal) mkfs=mkfs.ext4 package=e2fsprogs ;;
  xfs) mkfs=mkfs.xfs package=xfsprogs ;;
  btrfs) mkfs=mkfs.btrfs package=btrfs-progs ;;
  tmpfs) mkfs="" package="" ;;
  *) echo "filesystem_matrix.sh: unknown filesystem kind '$kind'" >&2; exit 2 ;;
esac

((EUID == 0)) || skip "the $kind column of the filesystem matrix needs root (mkfs, loop mount)"
export PATH="$PATH:/usr/sbin:/sbin"
if [[ -n $mkfs ]] && ! command -v "$mkfs" >/dev/null; then
  skip "$mkfs is not installed (apt-get install $package): no $kind column"
fi
command -v unshare >/dev/null || skip "unshare is not installed (util-linux)"

column="$build_dir/filesystem-matrix/$kind"
results="$build_dir/filesystem-matrix/results"
work="$column/$phase"
if [[ ${MBE_IN_PRIVATE_NAMESPACE:-} != "$kind/$phase" ]]; then
  rm -rf "$work"
  if [[ $phase == suite ]]; then rm -rf "$column/kernel-wait" "$results/$kind.tsv"; fi
  mkdir -p "$work/mnt"
  # Re-run this script inside a private mount namespace.
  MBE_IN_PRIVATE_NAMESPACE=$kind/$phase exec unshare -m --propagation private \
    bash "${BASH_SOURCE[0]}" "$build_dir" "$kind" "$phase" "$@"
fi

image="$work/backing/image"
cleanup() {
  umount "$work/mnt" 2>/dev/null || umount -l "$work/mnt" 2>/dev/null || true
  rm -f "$image"
  umount "$work/backing" 2>/dev/null || umount -l "$work/backing" 2>/dev/null || true
}
trap cleanup EXIT

if [[ $kind == tmpfs ]]; then
  mount -t tmpfs -o size=2g,mode=1777 tmpfs "$work/mnt"
else
  mkdir -p "$work/backing"
  mount -t tmpfs -o size=2g,mode=0700 tmpfs "$work/backing"
  truncate -s 2G "$image"
  case $kind in
    ext4-journal) mkfs.ext4 -q -F "$image" ;;
    ext4-nojournal) mkfs.ext4 -q -F -O ^has_journal "$image" ;;
    xfs) mkfs.xfs -q -f "$image" ;;
    btrfs) mkfs.btrfs -q -f "$image" >/dev/null ;;
  esac
  mount -o loop "$image" "$work/mnt"
  chmod 1777 "$work/mnt"
fi

started=$(date +%s)
status=0
export MBE_SCRATCH_DIR="$work/mnt" TMPDIR="$work/mnt"
ctest --test-dir "$build_dir" --output-junit "$work/junit.xml" "${tests[@]}" -E "^exercise/" "$@" ||
  status=$?
seconds=$(($(date +%s) - started))
{
  echo "kind=$kind"
  echo "kernel=$(uname -r)"
  echo "date=$(date -u +%Y-%m-%d)"
  echo "mount=$(findmnt -n -o FSTYPE,OPTIONS "$work/mnt" || true)"
  echo "seconds=$seconds"
  echo "status=$status"
} >"$work/run.txt"
echo "filesystem matrix: $kind $phase phase took ${seconds} s, ctest status $status"

# The column's summary, once both phases are there.
if [[ -f $column/suite/run.txt && -f $column/kernel-wait/run.txt ]]; then
  source_root=$(realpath "$(dirname "${BASH_SOURCE[0]}")/../..")
  value() { sed -n "s/^$1=//p" "$column/$2/run.txt"; }
  {
    grep -E '^(kind|kernel|date|mount)=' "$column/suite/run.txt"
    echo "seconds=$(($(value seconds suite) + $(value seconds kernel-wait)))"
    echo "status=$(($(value status suite) | $(value status kernel-wait)))"
  } >"$column/run.txt"
  mkdir -p "$results"
  if ! command -v python3 >/dev/null; then
    echo "filesystem matrix: no python3: no $kind column for the page" >&2
    status=1
  elif ! python3 "$source_root/docs/what_holds_where.py" column "$column/run.txt" \
      "$results/$kind.tsv" "$column/suite/junit.xml" "$column/kernel-wait/junit.xml"; then
    status=1
  fi
fi
# A wait skipped because it proved nothing (the system was busy writing) is no
# pass: the column's waits then show as skipped, with the reason in the JUnit
# report (its prefix: DirtyMemoryWatch::void_wait_prefix).
if [[ $phase == kernel-wait && $status == 0 ]] && grep -qs "void wait: " "$work/junit.xml"; then
  echo "filesystem matrix: $kind: a writeback wait was skipped as void" \
    "(the reason is in $work/junit.xml)"
  status=77
fi
# The waits, which run after every column's suite, watch the expiry of their
# own pages: the host's dirty data (the suites' files, the lab's images) goes
# to disk before them. Not at the start of the waits: a sync writes every
# device back, and another column's waits may already be running.
if [[ $phase == suite ]]; then sync; fi
exit "$status"
