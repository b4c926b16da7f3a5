// Chapter 07's per-call claims under the power model the first tests left
// out, and fdatasync under both, on each of the lab's four filesystems: so
// that every call of the chapter's table runs under both models everywhere.
// Each test pulls the plug once and asserts that filesystem's measured
// result (lab_pulls.hpp); they skip, saying why, where the lab cannot run.
#include <doctest/doctest.h>

#include "lab_pulls.hpp"

using ch07::testing::check_pull;
using ch07::testing::Kept;

TEST_CASE("without msync acknowledged records die with a volatile cache too - ext4-journal") {
  check_pull("ext4-journal", "none", "volatile_cache", Kept::none, true);
}

TEST_CASE("without msync acknowledged records die with a volatile cache too - ext4-nojournal") {
  check_pull("ext4-nojournal", "none", "volatile_cache", Kept::none, true);
}

TEST_CASE("without msync acknowledged records die with a volatile cache too - xfs") {
  check_pull("xfs", "none", "volatile_cache", Kept::none, true);
}

TEST_CASE("without msync acknowledged records die with a volatile cache too - btrfs") {
  check_pull("btrfs", "none", "volatile_cache", Kept::none, true);
}

TEST_CASE(
    "MS_ASYNC loses acknowledged records on a disk with a volatile cache too - ext4-journal") {
  check_pull("ext4-journal", "ms_async", "volatile_cache", Kept::none, true);
}

TEST_CASE(
    "MS_ASYNC loses acknowledged records on a disk with a volatile cache too - ext4-nojournal") {
  check_pull("ext4-nojournal", "ms_async", "volatile_cache", Kept::none, true);
}

TEST_CASE("MS_ASYNC loses acknowledged records on a disk with a volatile cache too - xfs") {
  check_pull("xfs", "ms_async", "volatile_cache", Kept::none, true);
}

TEST_CASE("MS_ASYNC loses acknowledged records on a disk with a volatile cache too - btrfs") {
  check_pull("btrfs", "ms_async", "volatile_cache", Kept::none, true);
}

TEST_CASE("fsync keeps every acknowledged record when qemu is killed - ext4-journal") {
  check_pull("ext4-journal", "fsync", "kill", Kept::all);
}

TEST_CASE("fsync keeps every acknowledged record when qemu is killed - ext4-nojournal") {
  check_pull("ext4-nojournal", "fsync", "kill", Kept::all);
}

TEST_CASE("fsync keeps every acknowledged record when qemu is killed - xfs") {
  check_pull("xfs", "fsync", "kill", Kept::all);
}

TEST_CASE("fsync keeps every acknowledged record when qemu is killed - btrfs") {
  check_pull("btrfs", "fsync", "kill", Kept::all);
}

TEST_CASE("fdatasync keeps every acknowledged record when qemu is killed - ext4-journal") {
  check_pull("ext4-journal", "fdatasync", "kill", Kept::all);
}

TEST_CASE(
    "fdatasync keeps every acknowledged record or none when qemu is killed - ext4-nojournal") {
  // As MS_SYNC there: the file's inode stands or falls with whatever wrote it
  // after the writer's fsync (README: ext4 without a journal).
  check_pull("ext4-nojournal", "fdatasync", "kill", Kept::all_or_none);
}

TEST_CASE("fdatasync keeps every acknowledged record when qemu is killed - xfs") {
  check_pull("xfs", "fdatasync", "kill", Kept::all);
}

TEST_CASE("fdatasync keeps every acknowledged record when qemu is killed - btrfs") {
  check_pull("btrfs", "fdatasync", "kill", Kept::all);
}

TEST_CASE(
    "fdatasync keeps every acknowledged record on a disk with a volatile cache - ext4-journal") {
  check_pull("ext4-journal", "fdatasync", "volatile_cache", Kept::all);
}

TEST_CASE(
    "fdatasync loses every acknowledged record on a disk with a volatile cache - ext4-nojournal") {
  // Linux 6.1's ext4_fsync_nojournal(): for a data sync of an inode without
  // I_DIRTY_DATASYNC (an overwrite in place) it returns before it asks for a
  // cache flush - as for MS_SYNC.
  check_pull("ext4-nojournal", "fdatasync", "volatile_cache", Kept::none);
}

TEST_CASE("fdatasync keeps every acknowledged record on a disk with a volatile cache - xfs") {
  check_pull("xfs", "fdatasync", "volatile_cache", Kept::all);
}

TEST_CASE("fdatasync keeps every acknowledged record on a disk with a volatile cache - btrfs") {
  check_pull("btrfs", "fdatasync", "volatile_cache", Kept::all);
}

TEST_CASE("a clean unmount keeps every record when qemu is killed - ext4-journal") {
  check_pull("ext4-journal", "unmount", "kill", Kept::all, true);
}

TEST_CASE("a clean unmount keeps every record when qemu is killed - ext4-nojournal") {
  check_pull("ext4-nojournal", "unmount", "kill", Kept::all, true);
}

TEST_CASE("a clean unmount keeps every record when qemu is killed - xfs") {
  check_pull("xfs", "unmount", "kill", Kept::all, true);
}

TEST_CASE("a clean unmount keeps every record when qemu is killed - btrfs") {
  check_pull("btrfs", "unmount", "kill", Kept::all, true);
}
