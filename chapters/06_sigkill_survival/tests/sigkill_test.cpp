// Chapter 06, the seed question: a MAP_SHARED state survives SIGKILL without
// msync — every completed store is there — but only in the page cache.
#include <doctest/doctest.h>

#include <signal.h>

#include <filesystem>
#include <random>
#include <string>
#include <thread>

#include "testing.hpp"
#include "torture_check.hpp"

using mbe::testing::run_program;
using mbe::testing::ScratchDir;

namespace {
// The last update a writer reported ("stored n") in @p output.
std::uint64_t last_reported(const std::filesystem::path& output) {
  return ch06::last_count(mbe::testing::read_file(output), "stored ");
}
}  // namespace

TEST_CASE("a writer that kills itself loses no store and leaves its page dirty") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto path = dir.file("state");
  const auto writer = run_program({MBE_PROGRAM_STATE_WRITER, path.string(), "--updates", "100000",
                                   "--kill-self-after", "1000"});
  CHECK(writer.signal == SIGKILL);
  CHECK(writer.out.empty());  // it never reached its last line
  const auto verify = run_program({MBE_PROGRAM_STATE_VERIFY, path.string()});
  CHECK(verify.exited_with(0));
  // All 1000 updates are there, and the page is dirty: in RAM, not yet on the disk.
  CHECK(verify.out == "counter=1000 total=500500 consistent dirty_pages=1 of 1\n");
}

TEST_CASE("a writer killed by its parent at random moments keeps every store it made") {
  ScratchDir dir;
  std::mt19937 random(std::random_device{}());
  int torn_between_stores = 0;
  for (int trial = 0; trial < 30; ++trial) {
    CAPTURE(trial);
    const auto path = dir.file("state-" + std::to_string(trial));
    const auto output = dir.file("out-" + std::to_string(trial));
    const pid_t writer =
        mbe::testing::spawn_program({MBE_PROGRAM_STATE_WRITER, path.string(), "--report"}, output);
    REQUIRE(mbe::testing::wait_until([&] { return last_reported(output) >= 1; }));
    std::this_thread::sleep_for(
        std::chrono::microseconds(std::uniform_int_distribution(0, 5000)(random)));
    ::kill(writer, SIGKILL);
    REQUIRE(mbe::testing::wait_for(writer).signal == SIGKILL);

    const std::uint64_t reported = last_reported(output);
    const auto verify = run_program({MBE_PROGRAM_STATE_VERIFY, path.string()});
    const auto counter = std::stoull(verify.out.substr(verify.out.find("counter=") + 8));
    // Stored and reported, or stored and killed before the report: never less.
    CHECK(counter >= reported);
    CHECK(counter <= reported + 1);
    if (verify.exited_with(4))
      ++torn_between_stores;  // killed between the two stores of one update
    else
      CHECK(verify.exited_with(0));
  }
  MESSAGE(torn_between_stores << " of 30 kills landed between the two stores of an update");
}

TEST_CASE("the verifier refuses a missing or foreign file") {
  ScratchDir dir;
  const auto missing = run_program({MBE_PROGRAM_STATE_VERIFY, dir.file("none").string()});
  CHECK(missing.exited_with(1));
  CHECK(missing.err ==
        "open " + dir.file("none").string() + ": ENOENT (No such file or directory)\n");
  mbe::testing::write_file(dir.file("foreign"), std::string(100, 'x'));
  const auto foreign = run_program({MBE_PROGRAM_STATE_VERIFY, dir.file("foreign").string()});
  CHECK(foreign.exited_with(1));
  CHECK(foreign.err == "ch06_state_verify: " + dir.file("foreign").string() +
                           ": not a counter state file (24 bytes)\n");
  const auto existing =
      run_program({MBE_PROGRAM_STATE_WRITER, dir.file("foreign").string(), "--updates", "1"});
  CHECK(existing.exited_with(1));  // the writer creates its file and never overwrites one
  CHECK(mbe::testing::read_file(dir.file("foreign")) == std::string(100, 'x'));
}
