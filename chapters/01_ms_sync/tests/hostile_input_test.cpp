// Chapter 01 claims on hostile input: numbers read from the state file are
// checked before they are used (a counter at its limit is refused, not
// wrapped to 0), and the file is then left exactly as it was.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>

#include "../state.hpp"
#include "testing.hpp"

using mbe::testing::contains;
using mbe::testing::run_program;
using mbe::testing::ScratchDir;

namespace {
std::string state_bytes(std::uint64_t counter, std::uint64_t commits) {
  ch01::AppState state{};
  state.magic = ch01::state_magic;
  state.version = ch01::state_version;
  state.counter = counter;
  state.commits = commits;
  std::string bytes(sizeof state, '\0');
  std::memcpy(bytes.data(), &state, sizeof state);
  return bytes;
}
}  // namespace

TEST_CASE(
    "commit_state refuses a counter or commit count that would overflow and leaves the file "
    "unchanged") {
  ScratchDir dir;
  const auto path = dir.file("state");
  struct Case {
    std::uint64_t counter, commits;
    std::string add;
  };
  for (const Case& limit : {Case{UINT64_MAX - 2, 7, "3"}, Case{5, UINT64_MAX, "1"}}) {
    const auto before = state_bytes(limit.counter, limit.commits);
    std::filesystem::remove(path);
    mbe::testing::write_file(path, before);
    const auto result = run_program({MBE_PROGRAM_COMMIT_STATE, path.string(), "--add", limit.add});
    CAPTURE(result.err);
    CHECK(result.exited_with(1));
    CHECK(contains(result.err, "would overflow; the file was not changed"));
    CHECK(mbe::testing::read_file(path) == before);
  }
  // One below the limit is fine.
  std::filesystem::remove(path);
  mbe::testing::write_file(path, state_bytes(UINT64_MAX - 3, 7));
  CHECK(run_program({MBE_PROGRAM_COMMIT_STATE, path.string(), "--add", "3"}).exited_with(0));
}
