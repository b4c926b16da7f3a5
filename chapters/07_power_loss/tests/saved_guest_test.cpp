// Chapter 07's saved guest (guest_snapshot.hpp): a trial restores the guest
// saved at the end of its set-up instead of booting it. Here the same trials
// run both ways, on xfs, whose recovery is a second guest restored on the
// disk after the plug: a restored guest must keep and lose what a booted one
// does, on the disks it was given, not the ones it was saved with.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <optional>
#include <string>

#include "lab_pulls.hpp"
#include "testing.hpp"

namespace {

// MBE_LAB_BOOT=fresh (a boot) or unset (a restore) while it lives; then as before.
class LabBoot {
 public:
  explicit LabBoot(bool fresh) {
    if (const char* old = ::getenv("MBE_LAB_BOOT")) before_ = old;
    REQUIRE((fresh ? ::setenv("MBE_LAB_BOOT", "fresh", 1) : ::unsetenv("MBE_LAB_BOOT")) == 0);
  }
  ~LabBoot() {
    if (before_)
      ::setenv("MBE_LAB_BOOT", before_->c_str(), 1);
    else
      ::unsetenv("MBE_LAB_BOOT");
  }
  LabBoot(const LabBoot&) = delete;
  LabBoot& operator=(const LabBoot&) = delete;

 private:
  std::optional<std::string> before_;
};

// One pull of 64 records on xfs after ACK 32, booted or restored; both the
// writer's guest and the recovery's say how they started.
ch07::testing::Pulled pull(const std::string& mode, const std::string& model, bool booted) {
  const LabBoot boot(booted);
  auto pulled = ch07::testing::pull_the_plug("xfs", mode, model, 64, 32);
  if (pulled.unavailable.empty()) {
    const std::string start = booted ? "booted" : "restored";
    CHECK(mbe::testing::summary_value(pulled.output, "guest_start") == start);
    CHECK(mbe::testing::summary_value(pulled.output, "recovery_start") == start);
  }
  return pulled;
}

}  // namespace

TEST_CASE("a restored guest keeps and loses the records a booted one does - xfs") {
  for (const bool booted : {false, true}) {
    CAPTURE(booted);
    const auto none = pull("none", "kill", booted);
    if (!none.unavailable.empty()) MBE_SKIP(none.unavailable);
    CHECK(none.acknowledged >= 32);
    CHECK(none.survived == 0);  // no msync, the guest's writeback off: all lost
    CHECK(none.filesystem_clean);
    const auto synced = pull("ms_sync", "volatile_cache", booted);
    CHECK(synced.acknowledged >= 32);
    CHECK(synced.lost == 0);  // MS_SYNC per record: all kept, the disk's cache flushed
    CHECK(synced.filesystem_clean);
  }
}
