// Chapter 07's names lab on xfs and btrfs: as on ext4 (names_test.cpp), the
// plug pulled right after a new name or a rename, 5 boots with the volatile
// cache and 2 with kill -9 per test, each cell of the page's rows asserted.
// The disks are read back by a recovery boot (the guest mounts each one: the
// log replay of the next boot) and the filesystem's read-only checker.
#include "names_testing.hpp"

using names_testing::check_row;
using names_testing::names_after_power_loss;
using names_testing::Unflushed;

namespace {

// Measured the same on xfs and btrfs (guest kernel 6.1, both power models):
// fsync(FILE) after the rename logged the rename with it; the checker clean.
void check_log_keeps_the_fsynced_rename(const std::string& filesystem) {
  // A pair, not a structured binding: CAPTURE is a lambda, and clang 14 (the
  // clang preset) cannot capture a structured binding.
  for (const auto& model_and_boots : {std::pair{"volatile_cache", 5}, std::pair{"kill", 2}}) {
    const char* const model = model_and_boots.first;
    const int boots = model_and_boots.second;
    CAPTURE(model);
    const auto names = names_after_power_loss(filesystem, model, boots);
    if (!names.unavailable.empty()) MBE_SKIP(names.unavailable);
    check_row(names.output, boots,
              {{"new_file", "new", "absent", false, Unflushed::none},
               {"rename", "old", "new", false, Unflushed::none},
               {"rename_fsync_file", "new", "absent", false, Unflushed::none},
               {"rename_fsync_dir", "new", "absent", false, Unflushed::none}});
  }
}

}  // namespace

TEST_CASE("on xfs a rename survives a power loss once an fsync of FILE or its directory followed") {
  check_log_keeps_the_fsynced_rename("xfs");
}

TEST_CASE(
    "on btrfs a rename survives a power loss once an fsync of FILE or its directory followed") {
  check_log_keeps_the_fsynced_rename("btrfs");
}
