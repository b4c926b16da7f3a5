// Chapter 06 claim: the torture cannot pass by testing nothing. A producer
// that fails instead of being killed, a recovery scan that crashes, or a
// record size the producer refuses makes the run fail, with a message.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "counter_state.hpp"
#include "testing.hpp"

using mbe::testing::contains;
using mbe::testing::run_program;
using mbe::testing::ScratchDir;

namespace {

// A --bin directory holding @p producer and @p recover as shell scripts, or,
// where a script is empty, the real program.
std::filesystem::path fake_bin(const ScratchDir& dir, const std::string& producer,
                               const std::string& recover) {
  const auto bin = dir.file("bin");
  std::filesystem::create_directory(bin);
  const auto real = std::filesystem::path(MBE_PROGRAM_SIGKILL_TORTURE).parent_path();
  const auto install = [&](const char* name, const std::string& script) {
    if (script.empty()) {
      std::filesystem::create_symlink(real / name, bin / name);
      return;
    }
    mbe::testing::write_file(bin / name, "#!/bin/sh\n" + script + "\n");
    REQUIRE(::chmod((bin / name).c_str(), 0700) == 0);
  };
  install("ch05_record_producer", producer);
  install("ch05_record_recover", recover);
  return bin;
}

}  // namespace

TEST_CASE("the torture refuses a record size its producer would refuse") {
  ScratchDir dir;
  const auto result = run_program({MBE_PROGRAM_SIGKILL_TORTURE, "--kills", "3", "--record-size",
                                   "36", "--dir", dir.path().string()});
  CHECK(result.exited_with(2));
  CHECK(contains(result.err, "--record-size: record size 36 is not a multiple of 8"));
  CHECK(result.out.empty());  // no summary line that could read as a pass
}

TEST_CASE("a producer that exits with an error instead of being killed fails the torture") {
  ScratchDir dir;
  const auto bin = fake_bin(dir, "echo 'cannot create the file' >&2; exit 1", "");
  const auto result = run_program({MBE_PROGRAM_SIGKILL_TORTURE, "--kills", "3", "--max-delay-us",
                                   "100000", "--dir", dir.path().string(), "--bin", bin.string()});
  CHECK(result.exited_with(1));
  CHECK(contains(result.err,
                 "ch05_record_producer ended with exit status 1 instead of being killed"));
  CHECK(contains(result.err, "cannot create the file"));
  CHECK_FALSE(contains(result.out, "lost=0"));
}

TEST_CASE("a recovery scan that crashes fails the torture") {
  ScratchDir dir;
  const auto bin = fake_bin(dir, "", "kill -SEGV $$");
  const auto result = run_program({MBE_PROGRAM_SIGKILL_TORTURE, "--kills", "3", "--dir",
                                   dir.path().string(), "--bin", bin.string()});
  CHECK(result.exited_with(1));
  CHECK(contains(result.err, "ch05_record_recover ended with signal 11"));
  CHECK_FALSE(contains(result.out, "lost=0"));
}

TEST_CASE("a torture in which no round reached a record file fails - it tested nothing") {
  ScratchDir dir;
  const auto bin = fake_bin(dir, "exec sleep 30", "");  // never creates a file; killed every round
  const auto result = run_program({MBE_PROGRAM_SIGKILL_TORTURE, "--kills", "2", "--max-delay-us",
                                   "0", "--dir", dir.path().string(), "--bin", bin.string()});
  CHECK(result.exited_with(1));
  CHECK(contains(result.err, "no round got as far as a record file: nothing was tested"));
}

TEST_CASE("a counter whose sum overflows 64 bits is never called consistent") {
  ch06::CounterState state{ch06::counter_magic, std::uint64_t{1} << 33, 0};
  state.total = state.counter * (state.counter + 1) / 2;  // what a wrapping check computes: 2^32
  CHECK_FALSE(ch06::is_consistent(state));
  state.counter = UINT64_MAX;
  state.total = 0;  // UINT64_MAX * 0 / 2, wrapped
  CHECK_FALSE(ch06::is_consistent(state));
  state.counter = 4'000'000'000;  // a large but real count: its sum fits
  state.total = 8'000'000'002'000'000'000;
  CHECK(ch06::is_consistent(state));
  state.total += 1;
  CHECK_FALSE(ch06::is_consistent(state));
}
