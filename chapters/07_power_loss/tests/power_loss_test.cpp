// Chapter 07 in the virtual machine on ext4 with its journal (the lab's
// default filesystem): each test boots the guest, pulls the plug and reads
// the disk back. They skip (with the reason) when the lab cannot run here: no
// qemu, no guest kernel, or a guest that does not boot in time. The same
// claims on the other filesystems: filesystems_test.cpp.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "lab_pulls.hpp"
#include "testing.hpp"

using ch07::testing::check_pull;
using ch07::testing::Kept;
using ch07::testing::number;
using mbe::testing::contains;
using mbe::testing::run_program;
using mbe::testing::ScratchDir;
using mbe::testing::summary_value;

TEST_CASE("the kernel fetch falls back to the current package once the pin is gone") {
  ScratchDir dir;
  const std::string pin = MBE_CH07_KERNEL_PIN;
  const std::string gone = pin.substr(0, pin.find('=')) + "=0.0-no-longer-in-the-archive";
  const auto fetch = run_program({"/bin/bash", MBE_CH07_FETCH_SCRIPT, dir.path().string(), gone});
  if (fetch.exited_with(77)) MBE_SKIP(fetch.out);
  INFO(fetch.out << fetch.err);
  REQUIRE(fetch.exited_with(0));
  CHECK(contains(fetch.out, gone + " is no longer in the archive; using linux-image-"));
  CHECK(std::filesystem::file_size(dir.file("vmlinuz")) > 1'000'000);
  const std::string record = mbe::testing::read_file(dir.file("kernel-package"));
  CHECK(contains(record, "pinned " + gone + "\nfetched linux-image-"));
  const auto again = run_program({"/bin/bash", MBE_CH07_FETCH_SCRIPT, dir.path().string(), gone});
  CHECK(contains(again.out, "(cached in "));  // fetched once, then kept
}

TEST_CASE("without msync acknowledged records die with the power") {
  check_pull("ext4-journal", "none", "kill", Kept::none, true);  // the guest's writeback is off
}

TEST_CASE("without msync records may still survive - the guest's own writeback wrote them") {
  // The same program with the guest's writeback timers on, and the plug
  // pulled 45 s after the last store: 30 s expiry + 5 s flusher period later.
  const auto pulled =
      ch07::testing::pull_the_plug("ext4-journal", "none", "kill", 256, 256, 45'000'000, true);
  if (!pulled.unavailable.empty()) MBE_SKIP(pulled.unavailable);
  CHECK(pulled.acknowledged == 256);
  CHECK(pulled.survived > 0);  // "not guaranteed" is not "always lost"
  CHECK(pulled.filesystem_clean);
}

TEST_CASE("MS_ASYNC loses acknowledged records like no msync at all") {
  ch07::testing::check_ms_async_like_no_msync("ext4-journal");
}

TEST_CASE("MS_SYNC keeps every acknowledged record when qemu is killed") {
  check_pull("ext4-journal", "ms_sync", "kill", Kept::all);
}

TEST_CASE("MS_SYNC keeps every acknowledged record on a disk with a volatile cache") {
  check_pull("ext4-journal", "ms_sync", "volatile_cache", Kept::all);
}

TEST_CASE("fsync keeps every acknowledged record on a disk with a volatile cache") {
  check_pull("ext4-journal", "fsync", "volatile_cache", Kept::all);
}

TEST_CASE("sync_file_range survives kill -9 of qemu - the weak model cannot catch it") {
  // Every write reached qemu, and qemu's writes outlive qemu.
  check_pull("ext4-journal", "sync_file_range", "kill", Kept::all);
}

TEST_CASE("sync_file_range loses acknowledged records on a disk with a volatile cache") {
  // Written to the disk's cache, never flushed.
  check_pull("ext4-journal", "sync_file_range", "volatile_cache", Kept::some_lost);
}

TEST_CASE("a clean unmount keeps every record even on a disk with a volatile cache") {
  check_pull("ext4-journal", "unmount", "volatile_cache", Kept::all, true);
}

TEST_CASE("the torture loses no acknowledged MS_SYNC record in 6 random pulls") {
  ScratchDir dir;
  const auto torture = run_program({MBE_PROGRAM_PLUG_TORTURE, "--pulls", "6", "--records", "128",
                                    "--guest", MBE_CH07_GUEST_DIR, "--work", dir.path().string()});
  if (torture.exited_with(77)) MBE_SKIP(torture.out);
  MESSAGE(torture.out);
  CHECK(torture.exited_with(0));
  CHECK(number(torture.out, "pulls") == 6);
  CHECK(summary_value(torture.out, "mode") == "ms_sync");
  CHECK(number(torture.out, "total_lost") == 0);
  CHECK(number(torture.out, "unclean_filesystems") == 0);
  CHECK(number(torture.out, "total_acknowledged") > 0);
  CHECK(contains(torture.out, " model=volatile_cache "));  // both models took turns
  CHECK(contains(torture.out, " model=kill "));
  CHECK(contains(torture.out, "torture filesystem=ext4-journal pulls=6 "));
  CHECK(summary_value(torture.out, "guest_kernel").starts_with("6."));
}

TEST_CASE("the torture notices a lost record - no msync in 2 pulls") {
  ScratchDir dir;
  const auto torture =
      run_program({MBE_PROGRAM_PLUG_TORTURE, "--pulls", "2", "--mode", "none", "--records", "32",
                   "--guest", MBE_CH07_GUEST_DIR, "--work", dir.path().string()});
  if (torture.exited_with(77)) MBE_SKIP(torture.out);
  MESSAGE(torture.out);
  CHECK(torture.exited_with(1));
  CHECK(number(torture.out, "total_lost") > 0);
}
