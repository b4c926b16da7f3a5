// Chapter 07's names lab on ext4: the plug pulled right after a new name or a
// rename, 5 boots per test with the volatile cache, 2 with kill -9. Each test
// asserts every cell of its rows of the page's table, every time ("old:5" is
// "always old"): FILE, FILE.tmp, the check's repair, writes left unflushed.
// They skip (with the reason) when the lab cannot run here.
#include "names_testing.hpp"

using names_testing::check_row;
using names_testing::names_after_power_loss;
using names_testing::Unflushed;

TEST_CASE(
    "on journaled ext4 a rename survives a power loss once an fsync of FILE or its directory "
    "followed") {
  const auto names = names_after_power_loss("ext4-journal", "volatile_cache", 5);
  if (!names.unavailable.empty()) MBE_SKIP(names.unavailable);
  // The fsync of FILE commits the journal transaction that holds the rename;
  // a rename with nothing after it was never committed, the temporary's fsync
  // was. Writes after a disk's last flush: none in most boots, but once 5 on
  // the new file's disk (boot 1 of 5, 2026-12-01), changing nothing that came
  // back: printed, not asserted, here.
  const auto any = Unflushed::unasserted;
  check_row(names.output, 5,
            {{"new_file", "new", "absent", false, any},
             {"rename", "old", "new", false, any},
             {"rename_fsync_file", "new", "absent", false, any},
             {"rename_fsync_dir", "new", "absent", false, any}});
}

TEST_CASE(
    "on ext4 without a journal no rename survives a power loss in the guest - not even with the "
    "directory fsync") {
  const auto names = names_after_power_loss("ext4-nojournal", "volatile_cache", 5);
  if (!names.unavailable.empty()) MBE_SKIP(names.unavailable);
  // A new name: kept (ext4_sync_parent wrote the directory), once the check
  // repaired the bitmaps and group counts that no fsync writes. The
  // directory fsync (guest kernel 6.1) left writes after the disk's last
  // flush: every boot, and only that disk.
  check_row(names.output, 5,
            {{"new_file", "new", "absent", true, Unflushed::none},
             {"rename", "old", "new", true, Unflushed::none},
             {"rename_fsync_file", "old", "new", true, Unflushed::none},
             {"rename_fsync_dir", "old", "new", true, Unflushed::every_boot}});
}

TEST_CASE(
    "with kill -9 of qemu journaled ext4 keeps the rename after either fsync and ext4 without a "
    "journal only after the directory fsync") {
  for (const std::string filesystem : {"ext4-journal", "ext4-nojournal"}) {
    CAPTURE(filesystem);
    const auto names = names_after_power_loss(filesystem, "kill", 2);
    if (!names.unavailable.empty()) MBE_SKIP(names.unavailable);
    const bool journal = filesystem == "ext4-journal";
    const bool repaired = !journal;  // no fsync writes the bitmaps and group counts
    check_row(names.output, 2,
              {{"new_file", "new", "absent", repaired, Unflushed::none},
               {"rename", "old", "new", repaired, Unflushed::none},
               {"rename_fsync_file", journal ? "new" : "old", journal ? "absent" : "new", repaired,
                Unflushed::none},
               {"rename_fsync_dir", "new", "absent", repaired, Unflushed::none}});
  }
}
