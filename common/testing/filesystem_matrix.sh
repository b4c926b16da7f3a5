#!/usr/bin/env bash
# One column of the filesystem matrix: makes a small filesystem of one kind
# in the build tree, loop-mounts it in a private mount namespace, runs the
# suite with its scratch directory there, then unmounts and removes it.
#
# Usage: filesystem_matrix.sh BUILD_DIR KIND [CTEST_ARGS...]
#   Runs every test but the matrix itself, the VM lab (its guest has a disk
#   of its own), fuzzing, the checks of the pages and the site, and the
#   student's exercise/ tests: none of them depends on the filesystem.
#   KIND: ext4-journal | ext4-nojournal | xfs | btrfs | tmpfs
#   BUILD_DIR/filesystem-matrix/KIND/ receives junit.xml (CTest's JUnit
#   report) and run.txt (kernel, date, filesystem, duration); the column's
#   summary for the "What holds where" page goes to
#   BUILD_DIR/filesystem-matrix/results/KIND.tsv (docs/what_holds_where.py).
# Exit: the inner ctest's status; 77 (skipped) without root or the mkfs tool.
#
# The mount lives in a namespace of its own (unshare -m): nobody else sees
# it, the script unmounts it on every exit, and if the script is killed the
# mount still vanishes with the namespace, when the last test still running
# in it ends. The loop device is set up with autoclear, so it goes with the
# last unmount; a killed run's image is removed by the next run.
set -euo pipefail

if (($# < 2)); then
  echo "usage: filesystem_matrix.sh BUILD_DIR KIND [CTEST_ARGS...]" >&2
  exit 2
fi
build_dir=$(realpath "$1")
kind=$2
shift 2

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

work="$build_dir/filesystem-matrix/$kind"
rm -rf "$work"
mkdir -p "$work/mnt"

if [[ ${MBE_IN_PRIVATE_NAMESPACE:-} != "$kind" ]]; then
  # Re-run this script inside a private mount namespace.
  MBE_IN_PRIVATE_NAMESPACE=$kind exec unshare -m --propagation private \
    bash "${BASH_SOURCE[0]}" "$build_dir" "$kind" "$@"
fi

image="$work/image"
cleanup() {
  umount "$work/mnt" 2>/dev/null || umount -l "$work/mnt" 2>/dev/null || true
  rm -f "$image"
}
trap cleanup EXIT

if [[ $kind == tmpfs ]]; then
  mount -t tmpfs -o size=2g,mode=1777 tmpfs "$work/mnt"
else
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

# Two phases: first everything else, then the tests that wait for the
# kernel's own writeback, by themselves, so that no other test dirties the
# device meanwhile (a busy device gets written back early, whatever the age
# of its pages, and those tests would measure that instead of the expiry).
started=$(date +%s)
status=0
export MBE_SCRATCH_DIR="$work/mnt" TMPDIR="$work/mnt"
ctest --test-dir "$build_dir" --output-junit "$work/junit.xml" \
  -LE "^(matrix|lab|fuzz|docs|docs-source|kernel-wait)$" -E "^exercise/" "$@" || status=$?
ctest --test-dir "$build_dir" --output-junit "$work/junit-kernel-wait.xml" \
  -L "^kernel-wait$" -E "^exercise/" "$@" || status=$?
seconds=$(($(date +%s) - started))
{
  echo "kind=$kind"
  echo "kernel=$(uname -r)"
  echo "date=$(date -u +%Y-%m-%d)"
  echo "mount=$(findmnt -n -o FSTYPE,OPTIONS "$work/mnt" || true)"
  echo "seconds=$seconds"
  echo "status=$status"
} >"$work/run.txt"
results="$build_dir/filesystem-matrix/results"
mkdir -p "$results"
source_root=$(realpath "$(dirname "${BASH_SOURCE[0]}")/../..")
if command -v python3 >/dev/null && [[ -f $work/junit.xml && -f $work/junit-kernel-wait.xml ]]; then
  python3 "$source_root/docs/what_holds_where.py" column "$work/run.txt" "$results/$kind.tsv" \
    "$work/junit.xml" "$work/junit-kernel-wait.xml"
else
  echo "filesystem matrix: no python3 or no JUnit report: no $kind column for the page" >&2
  status=1
fi
echo "filesystem matrix: $kind column took ${seconds} s, ctest status $status"
exit "$status"
