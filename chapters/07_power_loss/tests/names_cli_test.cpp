// Chapter 07's names lab without a guest: its two programs explain
// themselves and refuse bad arguments before they mount or boot anything.
#include <doctest/doctest.h>

#include "testing.hpp"

using mbe::testing::contains;
using mbe::testing::run_program;

TEST_CASE("the names lab programs explain themselves and refuse bad arguments before booting") {
  for (const char* program : {MBE_PROGRAM_NAMES_AFTER_POWER_LOSS, MBE_PROGRAM_NAMES_WRITER}) {
    const auto help = run_program({program, "--help"});
    CHECK(help.exited_with(0));
    CHECK(contains(help.out, "usage: ch07_names_"));
  }
  const auto filesystem = run_program({MBE_PROGRAM_NAMES_AFTER_POWER_LOSS, "--filesystem", "ext3"});
  CHECK(filesystem.exited_with(2));
  CHECK(contains(filesystem.err, "unknown --filesystem"));
  const auto model = run_program({MBE_PROGRAM_NAMES_AFTER_POWER_LOSS, "--model", "gentle"});
  CHECK(model.exited_with(2));
  const auto scenario = run_program({MBE_PROGRAM_NAMES_WRITER, "--fstype", "ext4", "--scenarios",
                                     "rename:/dev/vda,swap:/dev/vdb"});
  CHECK(scenario.exited_with(2));
  CHECK(contains(scenario.err, "bad scenario swap:/dev/vdb"));
  const auto no_device =
      run_program({MBE_PROGRAM_NAMES_WRITER, "--fstype", "ext4", "--scenarios", "rename:"});
  CHECK(no_device.exited_with(2));
}
