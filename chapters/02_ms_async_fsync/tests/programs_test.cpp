// Chapter 02: the programs the page runs print what it teaches, and refuse
// bad arguments; fsync and fdatasync are what POSIX promises here.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <string>

#include "testing.hpp"

using mbe::testing::ScratchDir;

TEST_CASE("fsync and fdatasync are POSIX and this system says it supports them") {
  // fsync is the POSIX FSC option, fdatasync the SIO option: both advertised here.
  CHECK(::sysconf(_SC_FSYNC) > 0);
  CHECK(::sysconf(_SC_SYNCHRONIZED_IO) > 0);
}

TEST_CASE("what_each_call_does prints the table the chapter teaches") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto run = mbe::testing::run_program(
      {MBE_PROGRAM_WHAT_EACH_CALL_DOES, dir.path().string(), "--pages", "64"});
  REQUIRE(run.exited_with(0));
  auto row = [&](const std::string& name) {
    const auto at = run.out.find(name);
    return at == std::string::npos ? std::string()
                                   : run.out.substr(at, run.out.find('\n', at) - at);
  };
  CHECK(row("msync(MS_ASYNC)").find("64/0") != std::string::npos);
  CHECK(row("msync(flags = 0)").find("64/0") != std::string::npos);
  CHECK(row("msync(MS_SYNC)").find(" 0/0") != std::string::npos);
  CHECK(row("fdatasync").find(" 0/0") != std::string::npos);
}

TEST_CASE("three_ways_timed reports min median and max for each way") {
  ScratchDir dir;
  const auto run = mbe::testing::run_program(
      {MBE_PROGRAM_THREE_WAYS_TIMED, dir.path().string(), "--rounds", "3", "--pages", "2"});
  REQUIRE(run.exited_with(0));
  for (const char* way : {"msync(MS_SYNC)", "MS_ASYNC + fsync", "MS_ASYNC + fdatasync"})
    CHECK(run.out.find(way) != std::string::npos);
  CHECK(run.out.find("median") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("ch02_three_ways_timed.tmp")));
}

TEST_CASE("chapter 02 programs answer --help and reject bad arguments") {
  using mbe::testing::run_program;
  for (const char* program : {MBE_PROGRAM_WHAT_EACH_CALL_DOES, MBE_PROGRAM_FSYNC_READONLY,
                              MBE_PROGRAM_THREE_WAYS_TIMED}) {
    const auto help = run_program({program, "--help"});
    CHECK(help.exited_with(0));
    CHECK(help.out.find("usage:") == 0);
    CHECK(run_program({program}).exited_with(2));
  }
  CHECK(run_program({MBE_PROGRAM_THREE_WAYS_TIMED, "/tmp", "--rounds", "0"}).exited_with(2));
  const auto missing = run_program({MBE_PROGRAM_FSYNC_READONLY, "/no/such/file"});
  CHECK(missing.exited_with(1));
  CHECK(missing.err == "open: ENOENT (No such file or directory)\n");
}
