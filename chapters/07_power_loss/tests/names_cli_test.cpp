// Chapter 07's names lab without a guest: its two programs explain
// themselves and refuse bad arguments before they mount or boot anything, and
// the recovery boot's console (xfs, btrfs) is parsed strictly.
#include <doctest/doctest.h>

#include "names_recovery.hpp"
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

TEST_CASE("the names recovery console is read name by name and a garbled one is refused") {
  std::string console = "GUEST program=names-recover\r\nNAME 0 SCENARIO BEGIN\r\n 72 65\r\n";
  console += "NAME 0 SCENARIO END\r\nNAME 0 FILE MISSING\r\nNAME 0 FILE.tmp BEGIN\r\n";
  console += " 6e 65 77\r\nNAME 0 FILE.tmp END\r\n";
  const auto names = ch07::parse_names_console(console + "RECOVERED\r\n", 1);
  REQUIRE(names.size() == 1);
  CHECK(names[0].at("SCENARIO") == std::optional<std::string>("re"));
  CHECK_FALSE(names[0].at("FILE").has_value());
  CHECK(names[0].at("FILE.tmp") == std::optional<std::string>("new"));
  CHECK_THROWS_AS(ch07::parse_names_console(console, 1), mbe::Error);  // no RECOVERED
  CHECK_THROWS_AS(ch07::parse_names_console(console + "RECOVERED\r\n", 2), mbe::Error);  // disk 1
  // Each refusal on a console that is complete but for the one fault.
  std::string garbled = console;
  garbled.replace(garbled.find(" 6e 65 77"), 9, " 6e 6g 77");
  CHECK_THROWS_WITH_AS(ch07::parse_names_console(garbled + "RECOVERED\r\n", 1),
                       doctest::Contains("a garbled hex line"), mbe::Error);
  CHECK_THROWS_WITH_AS(
      ch07::parse_names_console(console + "NAME 7 FILE MISSING\r\nRECOVERED\r\n", 1),
      doctest::Contains("a garbled line"), mbe::Error);  // a disk the boot did not have
}
