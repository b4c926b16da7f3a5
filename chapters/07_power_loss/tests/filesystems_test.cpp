// Chapter 07's per-call claims on the lab's other filesystems: ext4 without a
// journal, xfs and btrfs (ext4 with its journal: power_loss_test.cpp). Each
// test pulls the plug once and asserts what that filesystem kept, as
// measured; where a filesystem differs, its test says so in its name. They
// skip, naming the package, when the filesystem's tools are not installed.
#include <doctest/doctest.h>

#include "lab_pulls.hpp"

using ch07::testing::check_ms_async_like_no_msync;
using ch07::testing::check_pull;
using ch07::testing::Kept;

TEST_CASE("without msync acknowledged records die with the power - ext4-nojournal") {
  check_pull("ext4-nojournal", "none", "kill", Kept::none, true);
}
TEST_CASE("without msync acknowledged records die with the power - xfs") {
  check_pull("xfs", "none", "kill", Kept::none, true);
}
TEST_CASE("without msync acknowledged records die with the power - btrfs") {
  check_pull("btrfs", "none", "kill", Kept::none, true);
}

TEST_CASE("MS_ASYNC loses acknowledged records like no msync at all - ext4-nojournal") {
  check_ms_async_like_no_msync("ext4-nojournal");
}
TEST_CASE("MS_ASYNC loses acknowledged records like no msync at all - xfs") {
  check_ms_async_like_no_msync("xfs");
}
TEST_CASE("MS_ASYNC loses acknowledged records like no msync at all - btrfs") {
  check_ms_async_like_no_msync("btrfs");
}

TEST_CASE("MS_SYNC keeps every acknowledged record or none when qemu is killed - ext4-nojournal") {
  // Linux 6.1 without a journal: the fsync that created the file need not
  // have written its inode; where no later write did, no record is found.
  check_pull("ext4-nojournal", "ms_sync", "kill", Kept::all_or_none);
}
TEST_CASE("MS_SYNC keeps every acknowledged record when qemu is killed - xfs") {
  check_pull("xfs", "ms_sync", "kill", Kept::all);
}
TEST_CASE("MS_SYNC keeps every acknowledged record when qemu is killed - btrfs") {
  check_pull("btrfs", "ms_sync", "kill", Kept::all);
}

TEST_CASE(
    "MS_SYNC loses every acknowledged record on a disk with a volatile cache - ext4-nojournal") {
  // Linux 6.1 without a journal: an overwrite in place never sets
  // I_DIRTY_DATASYNC, and for a data sync (msync's) ext4_fsync_nojournal()
  // then returns before it asks for a cache flush. (fsync differs: for a
  // full sync any dirty state counts.)
  check_pull("ext4-nojournal", "ms_sync", "volatile_cache", Kept::none);
}
TEST_CASE("MS_SYNC keeps every acknowledged record on a disk with a volatile cache - xfs") {
  check_pull("xfs", "ms_sync", "volatile_cache", Kept::all);
}
TEST_CASE("MS_SYNC keeps every acknowledged record on a disk with a volatile cache - btrfs") {
  check_pull("btrfs", "ms_sync", "volatile_cache", Kept::all);
}

TEST_CASE(
    "fsync keeps every acknowledged record on a disk with a volatile cache - ext4-nojournal") {
  check_pull("ext4-nojournal", "fsync", "volatile_cache", Kept::all);
}
TEST_CASE("fsync keeps every acknowledged record on a disk with a volatile cache - xfs") {
  check_pull("xfs", "fsync", "volatile_cache", Kept::all);
}
TEST_CASE("fsync keeps every acknowledged record on a disk with a volatile cache - btrfs") {
  check_pull("btrfs", "fsync", "volatile_cache", Kept::all);
}

TEST_CASE(
    "sync_file_range keeps every acknowledged record or none when qemu is killed - "
    "ext4-nojournal") {
  check_pull("ext4-nojournal", "sync_file_range", "kill", Kept::all_or_none);  // as MS_SYNC
}
TEST_CASE("sync_file_range survives kill -9 of qemu - the weak model cannot catch it - xfs") {
  check_pull("xfs", "sync_file_range", "kill", Kept::all);
}
TEST_CASE("sync_file_range loses every acknowledged record even when qemu is killed - btrfs") {
  // Copy on write: the data went to new blocks, but the file still points at
  // the old ones until a transaction commits - and nothing asked for one.
  check_pull("btrfs", "sync_file_range", "kill", Kept::none);
}

TEST_CASE(
    "sync_file_range loses acknowledged records on a disk with a volatile cache - ext4-nojournal") {
  check_pull("ext4-nojournal", "sync_file_range", "volatile_cache", Kept::some_lost);
}
TEST_CASE("sync_file_range loses acknowledged records on a disk with a volatile cache - xfs") {
  check_pull("xfs", "sync_file_range", "volatile_cache", Kept::some_lost);
}
TEST_CASE("sync_file_range loses acknowledged records on a disk with a volatile cache - btrfs") {
  check_pull("btrfs", "sync_file_range", "volatile_cache", Kept::some_lost);
}

TEST_CASE(
    "a clean unmount keeps every record even on a disk with a volatile cache - ext4-nojournal") {
  check_pull("ext4-nojournal", "unmount", "volatile_cache", Kept::all, true);
}
TEST_CASE("a clean unmount keeps every record even on a disk with a volatile cache - xfs") {
  check_pull("xfs", "unmount", "volatile_cache", Kept::all, true);
}
TEST_CASE("a clean unmount keeps every record even on a disk with a volatile cache - btrfs") {
  check_pull("btrfs", "unmount", "volatile_cache", Kept::all, true);
}
