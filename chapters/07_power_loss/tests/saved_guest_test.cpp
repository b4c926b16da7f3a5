// Chapter 07's saved guest (guest_snapshot.hpp): a trial restores the guest
// saved at the end of its set-up instead of booting it. Here the same trials
// run both ways, on xfs, whose recovery is a second guest restored on the
// disk after the plug: a restored guest must keep and lose what a booted one
// does, on the disks it was given, not the ones it was saved with. And a
// saved guest qemu cannot load heals: the trial that finds it removes it.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

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

// The saved guests under @p guest (saved/BUILD/*.state).
std::vector<std::filesystem::path> saved_states(const std::filesystem::path& guest) {
  std::vector<std::filesystem::path> states;
  std::error_code error;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(guest / "saved", error))
    if (entry.path().extension() == ".state") states.push_back(entry.path());
  return states;
}

// One ext4 pull (its recovery runs on the host: one guest, restored) with the
// guest in @p guest.
mbe::testing::ProcessResult pull_with_guest(const std::filesystem::path& guest,
                                            const mbe::testing::ScratchDir& work) {
  return mbe::testing::run_program({MBE_PROGRAM_PULL_THE_PLUG, "--filesystem", "ext4-journal",
                                    "--mode", "ms_sync", "--records", "16", "--pull-after-ack", "8",
                                    "--guest", guest.string(), "--work", work.path().string()});
}

}  // namespace

TEST_CASE("a saved guest qemu cannot load is removed and the next trial saves it anew") {
  // A guest directory of its own (links to the built guest's files): the
  // damaged file must not be one that other tests restore meanwhile.
  const mbe::testing::ScratchDir guest;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(MBE_CH07_GUEST_DIR, error))
    if (entry.path().filename() != "saved")
      std::filesystem::create_symlink(entry.path(), guest.file(entry.path().filename()));
  const mbe::testing::ScratchDir first_work;
  const auto first = pull_with_guest(guest.path(), first_work);
  if (first.exited_with(77)) MBE_SKIP(first.out);
  INFO(first.out << first.err);
  REQUIRE(first.exited_with(0));
  CHECK(mbe::testing::summary_value(first.out, "guest_start") == "restored");
  const auto states = saved_states(guest.path());
  REQUIRE(states.size() == 1);
  const auto whole = std::filesystem::file_size(states[0]);
  std::filesystem::resize_file(states[0], whole / 2);  // half a machine: qemu cannot load it

  const mbe::testing::ScratchDir damaged_work;
  const auto damaged = pull_with_guest(guest.path(), damaged_work);
  INFO(damaged.out << damaged.err);
  CHECK(damaged.exited_with(1));  // the trial fails, and says why
  CHECK(damaged.err.find("could not restore " + states[0].string() + ", now removed") !=
        std::string::npos);
  CHECK(saved_states(guest.path()).empty());

  const mbe::testing::ScratchDir next_work;
  const auto next = pull_with_guest(guest.path(), next_work);
  INFO(next.out << next.err);
  REQUIRE(next.exited_with(0));
  CHECK(mbe::testing::summary_value(next.out, "guest_start") == "restored");
  CHECK(mbe::testing::summary_value(next.out, "lost") == "0");
  const auto saved_anew = saved_states(guest.path());
  REQUIRE(saved_anew.size() == 1);
  CHECK(std::filesystem::file_size(saved_anew[0]) > whole / 2);
}

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
