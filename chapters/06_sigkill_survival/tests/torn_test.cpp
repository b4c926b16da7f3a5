// Chapter 06, torn writes: SIGKILL in the middle of a 64 KiB update leaves a
// torn state; a naive reader accepts it, the commit-marker + checksum
// protocol rejects it and returns the last whole generation.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "testing.hpp"
#include "torn_state.hpp"

using mbe::testing::run_program;
using mbe::testing::ScratchDir;

namespace {
struct Tally {
  int consistent = 0, torn = 0, rejected = 0, uncommitted_slot_seen = 0;
};

// Starts a writer, lets it run a random 0..2 ms past its second generation,
// kills it, and reads what is left; `trials` times.
Tally kill_and_read(const ScratchDir& dir, const std::string& layout, int trials) {
  std::mt19937 random(std::random_device{}());
  Tally tally;
  for (int trial = 0; trial < trials; ++trial) {
    const auto path = dir.file(layout + std::to_string(trial));
    const pid_t writer =
        mbe::testing::spawn_program({MBE_PROGRAM_TORN_WRITER, path.string(), "--layout", layout});
    // Wait for generation 1 (naive: its number is written; checked: its slot is committed),
    // so the reader always has a state to judge.
    const off_t generation_offset =
        layout == "naive" ? 8 : 16 + static_cast<off_t>(sizeof(ch06::Slot));
    REQUIRE(mbe::testing::wait_until([&] {
      const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      std::uint64_t generation = 0;
      const bool started =
          fd >= 0 && ::pread(fd, &generation, 8, generation_offset) == 8 && generation >= 1;
      if (fd >= 0) ::close(fd);
      return started;
    }));
    std::this_thread::sleep_for(
        std::chrono::microseconds(std::uniform_int_distribution(0, 2000)(random)));
    ::kill(writer, SIGKILL);
    REQUIRE(mbe::testing::wait_for(writer).signal == SIGKILL);
    const auto reader = run_program({MBE_PROGRAM_TORN_READER, path.string(), "--layout", layout});
    if (reader.exited_with(0))
      ++tally.consistent;
    else if (reader.exited_with(4))
      ++tally.torn;
    else
      ++tally.rejected;
    if (reader.out.find("not committed") != std::string::npos) ++tally.uncommitted_slot_seen;
  }
  return tally;
}
}  // namespace

TEST_CASE("a naive reader accepts the torn state a SIGKILL mid-update leaves") {
  ScratchDir dir;
  const auto tally = kill_and_read(dir, "naive", 20);
  MESSAGE("naive: " << tally.torn << " torn and " << tally.consistent << " consistent of 20");
  CHECK(tally.torn >= 5);      // most kills land mid-update (the page gives numbers)
  CHECK(tally.rejected == 0);  // and it accepts every one of them
}

TEST_CASE("the commit-marker and checksum protocol never accepts a torn state") {
  ScratchDir dir;
  const auto tally = kill_and_read(dir, "checked", 20);
  MESSAGE("checked: " << tally.uncommitted_slot_seen << " of 20 kills cut an update short");
  CHECK(tally.torn == 0);
  CHECK(tally.rejected == 0);  // the previous generation is always there
  CHECK(tally.consistent == 20);
  CHECK(tally.uncommitted_slot_seen >= 5);  // the kills did land mid-update
}

TEST_CASE("a writer that kills itself halfway through update 7 leaves 7 torn and 6 whole") {
  // The tour's certain cut (a random kill usually cuts an update, not always).
  ScratchDir dir;
  const auto writer_of = [&](const std::string& layout) {
    return run_program({MBE_PROGRAM_TORN_WRITER, dir.file(layout).string(), "--layout", layout,
                        "--generations", "10", "--kill-self-in-update", "7"});
  };
  REQUIRE(writer_of("naive").signal == SIGKILL);  // without the cut: exit 0 after update 10
  const auto naive =
      run_program({MBE_PROGRAM_TORN_READER, dir.file("naive").string(), "--layout", "naive"});
  CHECK(naive.exited_with(4));
  CHECK(naive.out == "accepted generation 7: TORN (magic ok)\n");
  const auto bytes = mbe::testing::read_file(dir.file("naive"));
  REQUIRE(bytes.size() == sizeof(ch06::NaiveState));
  auto state = std::make_unique<ch06::NaiveState>();
  std::memcpy(state.get(), bytes.data(), bytes.size());
  CHECK(state->words[0] == 7);                      // the words before the cut page are new...
  CHECK(state->words[ch06::state_words - 1] == 6);  // ...the rest old

  REQUIRE(writer_of("checked").signal == SIGKILL);
  const auto checked =
      run_program({MBE_PROGRAM_TORN_READER, dir.file("checked").string(), "--layout", "checked"});
  CHECK(checked.exited_with(0));
  CHECK(checked.out ==
        "accepted generation 6: consistent (slot 0: generation 6 ok; slot 1: not committed)\n");

  const auto cut_never_reached =
      run_program({MBE_PROGRAM_TORN_WRITER, dir.file("never").string(), "--layout", "naive",
                   "--generations", "6", "--kill-self-in-update", "7"});
  CHECK(cut_never_reached.exited_with(2));
  CHECK(mbe::testing::contains(cut_never_reached.err, "must not exceed --generations"));
}

TEST_CASE("the checksum catches a committed slot whose words did not all arrive") {
  // After a power loss some pages of a committed slot may be old: the marker
  // says committed, only the checksum can tell (SIGKILL never does this).
  auto checked = std::make_unique<ch06::CheckedState>();
  checked->magic = ch06::checked_magic;
  ch06::write_checked(*checked, 1);
  ch06::write_checked(*checked, 2);
  checked->slots[0].words[4000] = 1;  // a page of generation 2 still holds old bytes
  const auto outcome = ch06::read_checked(*checked);
  CHECK(outcome.accepted);
  CHECK(outcome.generation == 1);
  CHECK_FALSE(outcome.torn);
  CHECK(outcome.detail == "slot 0: generation 2 checksum mismatch; slot 1: generation 1 ok");

  auto naive = std::make_unique<ch06::NaiveState>();
  naive->magic = ch06::naive_magic;
  ch06::write_naive(*naive, 2);
  naive->words[4000] = 1;
  const auto naive_outcome = ch06::read_naive(*naive);
  CHECK(naive_outcome.accepted);
  CHECK(naive_outcome.torn);
}

TEST_CASE("the torn-state programs refuse wrong files and arguments") {
  ScratchDir dir;
  mbe::testing::write_file(dir.file("short"), "tiny");
  const auto short_file =
      run_program({MBE_PROGRAM_TORN_READER, dir.file("short").string(), "--layout", "naive"});
  CHECK(short_file.exited_with(1));
  CHECK(short_file.err.find("4 bytes, a naive state has 65552") != std::string::npos);
  CHECK(run_program({MBE_PROGRAM_TORN_READER, dir.file("missing").string(), "--layout", "checked"})
            .exited_with(1));
  CHECK(run_program({MBE_PROGRAM_TORN_READER, dir.file("short").string()}).exited_with(2));
  CHECK(run_program({MBE_PROGRAM_TORN_WRITER, dir.file("w").string(), "--layout", "fast"})
            .exited_with(2));
  const auto complete = run_program({MBE_PROGRAM_TORN_WRITER, dir.file("w").string(), "--layout",
                                     "checked", "--generations", "3"});
  CHECK(complete.exited_with(0));
  const auto read =
      run_program({MBE_PROGRAM_TORN_READER, dir.file("w").string(), "--layout", "checked"});
  CHECK(read.exited_with(0));
  CHECK(read.out ==
        "accepted generation 3: consistent (slot 0: generation 2 ok; slot 1: generation 3 ok)\n");
}
