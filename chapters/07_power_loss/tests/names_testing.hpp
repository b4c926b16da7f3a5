// What chapter 07's names lab tests share: running ch07_names_after_power_loss
// on one filesystem and power model, and asserting a row of the page's table —
// per scenario FILE's fate, FILE.tmp's, whether the checker found damage, and
// whether writes were left after the disk's last flush — in every boot.
#pragma once

#include <doctest/doctest.h>

#include <initializer_list>
#include <string>

#include "testing.hpp"

namespace names_testing {

struct Names {
  std::string unavailable;  // why the lab cannot run here; then output is empty
  std::string output;
};

inline Names names_after_power_loss(const std::string& filesystem, const std::string& model,
                                    int boots) {
  mbe::testing::ScratchDir dir;
  const auto run = mbe::testing::run_program(
      {MBE_PROGRAM_NAMES_AFTER_POWER_LOSS, "--filesystem", filesystem, "--model", model, "--boots",
       std::to_string(boots), "--guest", MBE_CH07_GUEST_DIR, "--work", dir.path().string()});
  if (run.exited_with(77)) return {run.out, ""};
  INFO(run.out << run.err);
  REQUIRE(run.exited_with(0));
  MESSAGE(run.out);
  CHECK(mbe::testing::summary_value(run.out, "filesystem") == filesystem);
  CHECK(mbe::testing::summary_value(run.out, "model") == model);
  CHECK(mbe::testing::summary_value(run.out, "boots") == std::to_string(boots));
  // The rows were measured on the guest's 6.1 kernel (the page names the build).
  CHECK(mbe::testing::summary_value(run.out, "guest_kernel").starts_with("6.1."));
  return {"", run.out};
}

/// Writes left after a disk's last flush (volatile cache: dropped by the replay).
enum class Unflushed {
  none,        ///< no boot left any (the sum over all boots is 0)
  every_boot,  ///< each boot left some
  unasserted,  ///< measured both ways: printed, not asserted
};

/// One cell of the page's table: what a scenario left, in every boot.
struct Cell {
  const char* scenario;
  const char* file;       // FILE: old, new, none, cleared
  const char* temporary;  // FILE.tmp: new or absent
  bool repaired;          // the checker found damage (ext4: and repaired it)
  Unflushed unflushed;
};

/// Asserts @p row: every scenario's outcome in all @p boots ("new:5").
inline void check_row(const std::string& out, int boots, std::initializer_list<Cell> row) {
  const auto always = [boots](const std::string& outcome) {
    return outcome + ":" + std::to_string(boots);
  };
  for (const auto& cell : row) {
    const std::string scenario = cell.scenario;
    CAPTURE(scenario);
    CHECK(mbe::testing::summary_value(out, scenario) == always(cell.file));
    CHECK(mbe::testing::summary_value(out, scenario + "_temporary") == always(cell.temporary));
    CHECK(mbe::testing::summary_value(out, scenario + "_repaired") ==
          (cell.repaired ? std::to_string(boots) : "0"));
    if (cell.unflushed == Unflushed::none)  // the sum over all boots
      CHECK(mbe::testing::summary_value(out, scenario + "_unflushed_writes") == "0");
    for (int boot = 1; cell.unflushed == Unflushed::every_boot && boot <= boots; ++boot)
      CHECK(mbe::testing::summary_value(
                out, "boot" + std::to_string(boot) + "." + scenario + ".unflushed_writes") != "0");
  }
}

}  // namespace names_testing
