// Chapter 07 on the host: the records the lab checks, the guest's writer run
// as an ordinary program, and the lab programs' handling of bad input.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "plug_records.hpp"
#include "testing.hpp"

using mbe::testing::contains;
using mbe::testing::run_program;
using mbe::testing::ScratchDir;

namespace {

std::string records_file(std::uint64_t count) {
  std::string bytes(count * sizeof(ch07::PlugRecord), '\0');
  for (std::uint64_t n = 1; n <= count; ++n) {
    const auto record = ch07::make_record(n);
    std::memcpy(bytes.data() + (n - 1) * sizeof record, &record, sizeof record);
  }
  return bytes;
}

ch07::Survivors survivors_of(const std::string& bytes, std::uint64_t acknowledged) {
  return ch07::count_survivors(std::as_bytes(std::span(bytes.data(), bytes.size())), acknowledged);
}

}  // namespace

TEST_CASE("a record is its own check - sequence number and checksum") {
  const auto record = ch07::make_record(7);
  CHECK(record.marker == ch07::record_marker);
  CHECK(ch07::holds_record(record, 7));
  CHECK_FALSE(ch07::holds_record(record, 8));  // a record in the wrong slot
  auto torn = record;
  torn.payload[5] ^= 1;  // one bit of a torn write
  CHECK_FALSE(ch07::holds_record(torn, 7));
  CHECK_FALSE(ch07::holds_record(ch07::PlugRecord{}, 7));  // a slot never written
}

TEST_CASE("counting survivors finds the first lost record and the unacknowledged ones") {
  std::string bytes = records_file(10);
  std::memset(bytes.data() + 4 * sizeof(ch07::PlugRecord), 0,
              sizeof(ch07::PlugRecord));  // record 5 lost
  const auto counted = survivors_of(bytes, 8);
  CHECK(counted.acknowledged == 8);
  CHECK(counted.survived == 7);
  CHECK(counted.first_lost == 5);
  CHECK(counted.unacknowledged == 2);  // records 9 and 10 made it without an ACK
  CHECK(survivors_of(records_file(10), 10).first_lost == 0);
}

TEST_CASE("a file shorter than the acknowledged records counts the rest as lost") {
  const auto counted = survivors_of(records_file(3), 5);
  CHECK(counted.survived == 3);
  CHECK(counted.first_lost == 4);
  CHECK(survivors_of("", 2).survived == 0);  // the file is gone altogether
}

TEST_CASE("the writer acknowledges each record once it is stored - every mode but unmount") {
  for (const char* mode :
       {"none", "ms_async", "ms_sync", "fsync", "fdatasync", "sync_file_range"}) {
    CAPTURE(mode);
    ScratchDir dir;
    const auto file = dir.file("records");
    const auto writer =
        run_program({MBE_PROGRAM_PLUG_WRITER, "--mode", mode, "--records", "100", file.string()});
    REQUIRE(writer.exited_with(0));
    std::string expected = "READY\n";
    for (int n = 1; n <= 100; ++n) expected += "ACK " + std::to_string(n) + "\n";
    CHECK(writer.out == expected + "DONE\n");
    const auto counted = survivors_of(mbe::testing::read_file(file), 100);
    CHECK(counted.survived == 100);
    CHECK(std::filesystem::file_size(file) == 100 * sizeof(ch07::PlugRecord));
    CHECK((std::filesystem::status(file).permissions() & std::filesystem::perms::owner_exec) ==
          std::filesystem::perms::none);
  }
}

TEST_CASE("the writer refuses an unknown mode and a file that exists") {
  ScratchDir dir;
  const auto file = dir.file("records");
  const auto unknown = run_program({MBE_PROGRAM_PLUG_WRITER, "--mode", "msync", file.string()});
  CHECK(unknown.exited_with(2));
  CHECK(contains(unknown.err, "--mode must be one of"));
  CHECK_FALSE(std::filesystem::exists(file));

  mbe::testing::write_file(file, "precious");
  const auto existing = run_program({MBE_PROGRAM_PLUG_WRITER, "--mode", "ms_sync", file.string()});
  CHECK(existing.exited_with(1));
  CHECK(contains(existing.err, "open " + file.string() + ": EEXIST (File exists)"));
  CHECK(mbe::testing::read_file(file) == "precious");
}

TEST_CASE("the lab programs explain themselves and refuse bad arguments before booting") {
  for (const char* program :
       {MBE_PROGRAM_PLUG_WRITER, MBE_PROGRAM_PULL_THE_PLUG, MBE_PROGRAM_REPLAY_TO_FLUSH}) {
    CAPTURE(program);
    const auto help = run_program({program, "--help"});
    CHECK(help.exited_with(0));
    CHECK(contains(help.out, "usage: "));
  }
  const auto no_mode = run_program({MBE_PROGRAM_PULL_THE_PLUG});
  CHECK(no_mode.exited_with(2));
  CHECK(contains(no_mode.err, "--mode is missing or unknown"));
  const auto bad_model =
      run_program({MBE_PROGRAM_PULL_THE_PLUG, "--mode", "ms_sync", "--model", "unplug"});
  CHECK(bad_model.exited_with(2));
  CHECK(contains(bad_model.err, "unknown --model"));
  const auto bad_filesystem =
      run_program({MBE_PROGRAM_PULL_THE_PLUG, "--mode", "ms_sync", "--filesystem", "ext3"});
  CHECK(bad_filesystem.exited_with(2));
  CHECK(contains(bad_filesystem.err, "unknown --filesystem"));
  const auto no_guest =
      run_program({MBE_PROGRAM_PULL_THE_PLUG, "--mode", "ms_sync", "--guest", "/nonexistent"});
  CHECK(no_guest.exited_with(77));
  CHECK(contains(no_guest.out, "lab unavailable: no /nonexistent/initramfs.cpio"));
}
