// Chapter 07's saved guest (guest_snapshot.hpp): a trial restores the guest
// saved at the end of its set-up instead of booting it. Here the same trials
// run both ways, on xfs, whose recovery is a second guest restored on the
// disk after the plug: a restored guest must keep and lose what a booted one
// does, on the disk it was given, not the one it was saved with.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <string>

#include "lab_pulls.hpp"
#include "testing.hpp"

namespace {

// One pull of 64 records after ACK 32, restored or (MBE_LAB_BOOT=fresh) booted.
ch07::testing::Pulled pull(const std::string& mode, bool booted) {
  if (booted) REQUIRE(::setenv("MBE_LAB_BOOT", "fresh", 1) == 0);
  auto pulled = ch07::testing::pull_the_plug("xfs", mode, "kill", 64, 32);
  REQUIRE(::unsetenv("MBE_LAB_BOOT") == 0);
  if (pulled.unavailable.empty())
    CHECK(mbe::testing::summary_value(pulled.output, "guest_start") ==
          (booted ? "booted" : "restored"));
  return pulled;
}

}  // namespace

TEST_CASE("a restored guest keeps and loses the records a booted one does - xfs") {
  for (const bool booted : {false, true}) {
    CAPTURE(booted);
    const auto none = pull("none", booted);
    if (!none.unavailable.empty()) MBE_SKIP(none.unavailable);
    CHECK(none.acknowledged >= 32);
    CHECK(none.survived == 0);  // no msync, the guest's writeback off: all lost
    CHECK(none.filesystem_clean);
    const auto synced = pull("ms_sync", booted);
    CHECK(synced.acknowledged >= 32);
    CHECK(synced.lost == 0);  // MS_SYNC per record: all kept
    CHECK(synced.filesystem_clean);
  }
}
