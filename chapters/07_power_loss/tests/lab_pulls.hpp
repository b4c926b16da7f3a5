// What chapter 07's lab tests share: one plug pull by ch07_pull_the_plug on a
// filesystem, its key=value line read back, and the per-call claims as checks
// that every filesystem's tests call with that filesystem's measured result.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "testing.hpp"

namespace ch07::testing {

/// What one pull showed; `unavailable` says why the lab cannot run here.
struct Pulled {
  std::string unavailable;
  std::uint64_t acknowledged = 0, survived = 0, lost = 0;
  bool filesystem_clean = false;
  std::string output;
};

/// The number a program printed as @p key=N in its key=value lines.
inline std::uint64_t number(const std::string& output, const std::string& key) {
  const std::string value = mbe::testing::summary_value(output, key);
  REQUIRE_MESSAGE(!value.empty(), "no " << key << "= in:\n" << output);
  return std::stoull(value);
}

/// One plug pull on @p filesystem, after ACK @p pull_after_ack and @p delay_us more.
inline Pulled pull_the_plug(const std::string& filesystem, const std::string& mode,
                            const std::string& model, std::uint64_t records,
                            std::uint64_t pull_after_ack, std::uint64_t delay_us = 0,
                            bool guest_writeback = false) {
  mbe::testing::ScratchDir dir;
  std::vector<std::string> argv = {MBE_PROGRAM_PULL_THE_PLUG,
                                   "--filesystem",
                                   filesystem,
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
  const auto run = mbe::testing::run_program(argv);
  Pulled pulled;
  if (run.exited_with(77)) {
    pulled.unavailable = run.out;
    return pulled;
  }
  INFO(run.out << run.err);
  REQUIRE(run.exited_with(0));
  pulled.output = run.out;
  CHECK(mbe::testing::summary_value(run.out, "filesystem") == filesystem);
  CHECK(mbe::testing::summary_value(run.out, "mode") == mode);
  CHECK(mbe::testing::summary_value(run.out, "model") == model);
  CHECK(mbe::testing::summary_value(run.out, "guest_kernel").starts_with("6."));
  CHECK(!mbe::testing::summary_value(run.out, "trial_seconds").empty());  // the lab times itself
  pulled.acknowledged = number(run.out, "acknowledged");
  pulled.survived = number(run.out, "survived");
  pulled.lost = number(run.out, "lost");
  pulled.filesystem_clean = mbe::testing::summary_value(run.out, "filesystem_clean") == "yes";
  MESSAGE(run.out);
  return pulled;
}

/// Whether the filesystem's checker must find nothing after the pull. Not on
/// ext4 without a journal: nothing keeps its bitmaps and group descriptors in
/// step with its inodes across a power loss, and e2fsck -fn found
/// inconsistencies (a group in use but marked BLOCK_UNINIT) after some pulls
/// and not after others - the next boot's e2fsck repairs them.
inline void check_clean(const std::string& filesystem, const Pulled& pulled) {
  if (filesystem != "ext4-nojournal") {
    CHECK(pulled.filesystem_clean);
    return;
  }
  const std::string seen = pulled.filesystem_clean ? "yes" : "no";
  MESSAGE("filesystem_clean=" << seen << " - not asserted");
}

/// How many acknowledged records a filesystem kept, as measured.
enum class Kept {
  all,
  none,
  some_lost,
  all_or_none,  ///< every record, or none: they stand or fall with the file's inode
};

/// Pulls the plug on @p filesystem with the writer in @p mode and checks what
/// was kept: after ACK 40 + 3 ms of 96 records, or, with @p whole_run, after
/// the last of 256 records. The recovered filesystem must be clean (check_clean).
inline void check_pull(const std::string& filesystem, const std::string& mode,
                       const std::string& model, Kept kept, bool whole_run = false) {
  const auto pulled = whole_run ? pull_the_plug(filesystem, mode, model, 256, 256)
                                : pull_the_plug(filesystem, mode, model, 96, 40, 3000);
  if (!pulled.unavailable.empty()) MBE_SKIP(pulled.unavailable);
  CHECK(pulled.acknowledged >= (whole_run ? 256 : 40));
  switch (kept) {
    case Kept::all:
      CHECK(pulled.lost == 0);
      break;
    case Kept::none:
      CHECK(pulled.survived == 0);
      CHECK(pulled.lost == pulled.acknowledged);
      break;
    case Kept::some_lost:
      CHECK(pulled.lost > 0);
      break;
    case Kept::all_or_none:
      CHECK((pulled.lost == 0 || pulled.survived == 0));
      break;
  }
  // A mode that writes each record loses it with the cache; without msync or
  // with MS_ASYNC the records never left the page cache.
  if (model == "volatile_cache" && kept != Kept::all && mode != "none" && mode != "ms_async")
    CHECK(number(pulled.output, "writes_dropped") > 0);
  check_clean(filesystem, pulled);
}

/// MS_ASYNC and no msync, side by side on @p filesystem: the same count lost
/// (all 256). MS_ASYNC starts no writeback, and the guest's writeback is off
/// (guest/init says why "off" there is not dirty_writeback_centisecs=0).
inline void check_ms_async_like_no_msync(const std::string& filesystem) {
  const auto pulled = pull_the_plug(filesystem, "ms_async", "kill", 256, 256);
  if (!pulled.unavailable.empty()) MBE_SKIP(pulled.unavailable);
  const auto without = pull_the_plug(filesystem, "none", "kill", 256, 256);
  if (!without.unavailable.empty()) MBE_SKIP(without.unavailable);
  CHECK(pulled.acknowledged == 256);
  CHECK(pulled.lost == 256);           // MS_ASYNC started no writeback: every record lost ...
  CHECK(pulled.lost == without.lost);  // ... exactly as many as without msync
  CHECK(pulled.survived == without.survived);
  check_clean(filesystem, pulled);
  check_clean(filesystem, without);
}

}  // namespace ch07::testing
