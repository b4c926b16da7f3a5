# Chapter 07 — pull the plug. Sourced by common/tour/run_tour.sh.
# Each pull boots a virtual machine (about 3 s). Where the lab cannot run
# (no qemu, no guest kernel) the stop says why and moves on.
pull() {
  print_command ch07_pull_the_plug "$@"
  local status=0
  "$bin_dir/ch07_pull_the_plug" "$@" || status=$?
  if ((status == 77)); then
    say "(the lab is not available here; the rest of this stop is skipped)"
    return 1
  fi
  ((status == 0)) || { echo "tour: 'ch07_pull_the_plug' failed (exit status $status)" >&2; exit 1; }
}
say "SIGKILL loses nothing (chapter 06); a power loss takes the page cache with it."
say "A guest VM stores 256 records with no msync and says ACK for each; the plug is"
say "pulled after the last one, and the disk is read back without booting:"
if pull --mode none --records 256 --pull-after-ack 256 --seed 1; then
  say ""
  say "With msync(MS_SYNC) per record, on a disk whose cache loses what was not"
  say "flushed, pulled after ACK 40 and 3 ms more: every acknowledged record is there."
  pull --mode ms_sync --model volatile_cache --records 256 --pull-after-ack 40 --pull-delay-us 3000 --seed 1
  say ""
  say "sync_file_range writes the page but never flushes the disk's cache:"
  pull --mode sync_file_range --model volatile_cache --records 256 --pull-after-ack 40 --pull-delay-us 3000 --seed 1
  say ""
  say "Twenty random pulls: ch07_plug_torture (about a minute; the tests run six)."
fi
