// Chapter 07 in the virtual machine: each test boots the guest, pulls the plug
// and reads the disk back. They skip (with the reason) when the lab cannot run
// here: no qemu, no guest kernel, or a guest that does not boot in time.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "testing.hpp"

using mbe::testing::contains;
using mbe::testing::run_program;
using mbe::testing::ScratchDir;
using mbe::testing::summary_value;

namespace {

struct Pulled {
  std::string unavailable;  // why the lab cannot run here; then nothing else is set
  std::uint64_t acknowledged = 0, survived = 0, lost = 0;
  bool filesystem_clean = false;
  std::string output;
};

// The number a program printed as @p key=N in its key=value lines.
std::uint64_t number(const std::string& output, const std::string& key) {
  const std::string value = summary_value(output, key);
  REQUIRE_MESSAGE(!value.empty(), "no " << key << "= in:\n" << output);
  return std::stoull(value);
}

// One plug pull; the pull comes after ACK @p pull_after_ack and @p delay_us more.
Pulled pull_the_plug(const std::string& mode, const std::string& model, std::uint64_t records,
                     std::uint64_t pull_after_ack, std::uint64_t delay_us = 0,
                     bool guest_writeback = false) {
  ScratchDir dir;
  std::vector<std::string> argv = {MBE_PROGRAM_PULL_THE_PLUG,
                                   "--mode",
                                   mode,
                                   "--model",
                                   model,
                                   "--records",
                                   std::to_string(records),
                                   "--pull-after-ack",
                                   std::to_string(pull_after_ack),
                                   "--pull-delay-us",
                                   std::to_string(delay_us),
                                   "--guest",
                                   MBE_CH07_GUEST_DIR,
                                   "--work",
                                   dir.path().string()};
  if (guest_writeback) argv.push_back("--guest-writeback");
  const auto run = run_program(argv);
  Pulled pulled;
  if (run.exited_with(77)) {
    pulled.unavailable = run.out;
    return pulled;
  }
  INFO(run.out << run.err);
  REQUIRE(run.exited_with(0));
  pulled.output = run.out;
  CHECK(summary_value(run.out, "mode") == mode);
  CHECK(summary_value(run.out, "model") == model);
  pulled.acknowledged = number(run.out, "acknowledged");
  pulled.survived = number(run.out, "survived");
  pulled.lost = number(run.out, "lost");
  pulled.filesystem_clean = summary_value(run.out, "filesystem_clean") == "yes";
  MESSAGE(run.out);
  return pulled;
}

}  // namespace

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
  const auto pulled = pull_the_plug("none", "kill", 256, 256);
  if (!pulled.unavailable.empty()) MBE_SKIP(pulled.unavailable);
  CHECK(pulled.acknowledged == 256);
  CHECK(pulled.lost > 0);  // here all 256: the guest's periodic writeback is off
  CHECK(pulled.filesystem_clean);
}

TEST_CASE("without msync records may still survive - the guest's own writeback wrote them") {
  // The same program with the guest's writeback timers on, and the plug
  // pulled 45 s after the last store: 30 s expiry + 5 s flusher period later.
  const auto pulled = pull_the_plug("none", "kill", 256, 256, 45'000'000, true);
  if (!pulled.unavailable.empty()) MBE_SKIP(pulled.unavailable);
  CHECK(pulled.acknowledged == 256);
  CHECK(pulled.survived > 0);  // "not guaranteed" is not "always lost"
  CHECK(pulled.filesystem_clean);
}

TEST_CASE("MS_ASYNC loses acknowledged records like no msync at all") {
  // "Exactly like": the same trial without msync, side by side.
  const auto pulled = pull_the_plug("ms_async", "kill", 256, 256);
  if (!pulled.unavailable.empty()) MBE_SKIP(pulled.unavailable);
  const auto without = pull_the_plug("none", "kill", 256, 256);
  if (!without.unavailable.empty()) MBE_SKIP(without.unavailable);
  CHECK(pulled.acknowledged == 256);
  CHECK(pulled.lost == 256);           // MS_ASYNC started no writeback: every record lost ...
  CHECK(pulled.lost == without.lost);  // ... exactly as many as without msync
  CHECK(pulled.survived == without.survived);
  CHECK(pulled.filesystem_clean);
}

TEST_CASE("MS_SYNC keeps every acknowledged record when qemu is killed") {
  const auto pulled = pull_the_plug("ms_sync", "kill", 96, 40, 3000);
  if (!pulled.unavailable.empty()) MBE_SKIP(pulled.unavailable);
  CHECK(pulled.acknowledged >= 40);
  CHECK(pulled.lost == 0);
  CHECK(pulled.filesystem_clean);
}

TEST_CASE("MS_SYNC keeps every acknowledged record on a disk with a volatile cache") {
  const auto pulled = pull_the_plug("ms_sync", "volatile_cache", 96, 40, 3000);
  if (!pulled.unavailable.empty()) MBE_SKIP(pulled.unavailable);
  CHECK(pulled.acknowledged >= 40);
  CHECK(pulled.lost == 0);
  CHECK(pulled.filesystem_clean);
}

TEST_CASE("fsync keeps every acknowledged record on a disk with a volatile cache") {
  const auto pulled = pull_the_plug("fsync", "volatile_cache", 96, 40, 3000);
  if (!pulled.unavailable.empty()) MBE_SKIP(pulled.unavailable);
  CHECK(pulled.acknowledged >= 40);
  CHECK(pulled.lost == 0);
  CHECK(pulled.filesystem_clean);
}

TEST_CASE("sync_file_range survives kill -9 of qemu - the weak model cannot catch it") {
  const auto pulled = pull_the_plug("sync_file_range", "kill", 96, 40, 3000);
  if (!pulled.unavailable.empty()) MBE_SKIP(pulled.unavailable);
  CHECK(pulled.acknowledged >= 40);
  CHECK(pulled.lost == 0);  // every write reached qemu, and qemu's writes outlive qemu
  CHECK(pulled.filesystem_clean);
}

TEST_CASE("sync_file_range loses acknowledged records on a disk with a volatile cache") {
  const auto pulled = pull_the_plug("sync_file_range", "volatile_cache", 96, 40, 3000);
  if (!pulled.unavailable.empty()) MBE_SKIP(pulled.unavailable);
  CHECK(pulled.acknowledged >= 40);
  CHECK(pulled.lost > 0);                              // written to the disk's cache, never flushed
  CHECK(number(pulled.output, "writes_dropped") > 0);  // lost with the cache
  CHECK(pulled.filesystem_clean);
}

TEST_CASE("a clean unmount keeps every record even on a disk with a volatile cache") {
  const auto pulled = pull_the_plug("unmount", "volatile_cache", 256, 256);
  if (!pulled.unavailable.empty()) MBE_SKIP(pulled.unavailable);
  CHECK(pulled.acknowledged == 256);
  CHECK(pulled.survived == 256);
  CHECK(pulled.filesystem_clean);
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
