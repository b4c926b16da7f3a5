// Chapter 05 claim: the consumer and the recovery scan, given a missing,
// empty, short, foreign, newer or corrupt file, say exactly what is wrong,
// exit non-zero, and leave the file as it was.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstring>
#include <string>

#include "record_format.hpp"
#include "record_stream.hpp"
#include "testing.hpp"

using mbe::testing::run_program;
using mbe::testing::ScratchDir;

namespace {
// A valid, finished file of 4 records (64 bytes each), as bytes.
std::string valid_file(const ScratchDir& dir) {
  ch05::ProducerOptions options;
  options.capacity = 4;
  options.durability = ch05::Durability::none;
  auto producer = ch05::RecordProducer::create(dir.file("valid"), options);
  for (int i = 0; i < 4; ++i) producer.append();
  producer.finish();
  return mbe::testing::read_file(dir.file("valid"));
}
std::string with_u32(std::string bytes, std::size_t offset, std::uint32_t value) {
  std::memcpy(bytes.data() + offset, &value, sizeof value);
  return bytes;
}

struct BadFile {
  const char* name;
  std::string contents;
  std::string message;  // after "PROGRAM: PATH: "
};

void check_refused(const char* program, const char* program_name, const std::filesystem::path& path,
                   const std::string& message) {
  struct stat before {};
  const bool exists = ::stat(path.c_str(), &before) == 0;
  const std::string contents = exists ? mbe::testing::read_file(path) : "";
  const auto result = run_program({program, path.string()});
  CHECK(result.exited_with(1));
  CHECK(result.out.empty());
  CHECK(result.err == std::string(program_name) + ": " + path.string() + ": " + message + "\n");
  if (!exists) return;
  struct stat after {};
  REQUIRE(::stat(path.c_str(), &after) == 0);
  CHECK(mbe::testing::read_file(path) == contents);
  CHECK(after.st_mtim.tv_sec == before.st_mtim.tv_sec);
  CHECK(after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
}
}  // namespace

TEST_CASE("the consumer and the recovery scan refuse bad files and leave them unchanged") {
  ScratchDir dir;
  const std::string good = valid_file(dir);
  std::string bad_record = good;
  bad_record[64 + 64 + 30] ^= 0x10;  // a bit of record 1's payload
  const std::vector<BadFile> files{
      {"missing", "", "open: ENOENT (No such file or directory)"},
      {"empty", "",
       "MappedFile::open: file is empty: a mapping needs at least one byte (mmap of length 0 is "
       "EINVAL)"},
      {"short", good.substr(0, 40), "file is too short for a header: 40 bytes, need 64"},
      {"foreign", std::string(400, 'x'), "not a record file (wrong magic number)"},
      {"newer", with_u32(good, 8, 2), "unsupported version 2 (this program reads version 1)"},
      {"corrupt-header", with_u32(good, 16, 5), "corrupt header (checksum mismatch)"},
      {"truncated", good.substr(0, 200),
       "file is shorter than its header says: 200 bytes, 4 records need 320"},
      {"counter-past-capacity", with_u32(good, 24, 9),
       "corrupt header: 9 records committed, but room for 4"},
  };
  for (const auto& file : files) {
    CAPTURE(std::string(file.name));
    const auto path = dir.file(file.name);
    if (std::string(file.name) != "missing") mbe::testing::write_file(path, file.contents);
    check_refused(MBE_PROGRAM_RECORD_CONSUMER, "ch05_record_consumer", path, file.message);
    check_refused(MBE_PROGRAM_RECORD_RECOVER, "ch05_record_recover", path, file.message);
  }

  // A bad record: the consumer stops at it; the scan says what can be trusted.
  const auto path = dir.file("bad-record");
  mbe::testing::write_file(path, bad_record);
  check_refused(MBE_PROGRAM_RECORD_CONSUMER, "ch05_record_consumer", path,
                "record 1: bad checksum");
  const auto scan = run_program({MBE_PROGRAM_RECORD_RECOVER, path.string()});
  CHECK(scan.exited_with(1));
  CHECK(scan.out ==
        "committed=4 valid=1 unpublished_valid=0 torn_after=0 finished=1 pattern_mismatch=0\n"
        "first bad committed record: record 1: bad checksum; records 1 and later cannot be "
        "trusted\n");
  CHECK(mbe::testing::read_file(path) == bad_record);
}

TEST_CASE("the chapter programs reject wrong arguments with a usage message") {
  const std::vector<std::vector<std::string>> wrong{
      {MBE_PROGRAM_RECORD_PRODUCER},
      {MBE_PROGRAM_RECORD_PRODUCER, "f", "--durability", "sometimes"},
      {MBE_PROGRAM_RECORD_PRODUCER, "f", "--record-size", "33"},
      {MBE_PROGRAM_RECORD_PRODUCER, "f", "--records", "0"},
      {MBE_PROGRAM_RECORD_CONSUMER},
      {MBE_PROGRAM_RECORD_CONSUMER, "f", "--idle-timeout-ms", "soon"},
      {MBE_PROGRAM_RECORD_RECOVER, "a", "b"},
      {MBE_PROGRAM_RECORD_BENCH, "--runs", "0"},
  };
  for (const auto& argv : wrong) {
    CAPTURE(argv.back());
    const auto result = run_program(argv);
    CHECK(result.exited_with(2));
    CHECK_FALSE(result.err.empty());
    CHECK(result.out.empty());
  }
  for (const char* program : {MBE_PROGRAM_RECORD_PRODUCER, MBE_PROGRAM_RECORD_CONSUMER,
                              MBE_PROGRAM_RECORD_RECOVER, MBE_PROGRAM_RECORD_BENCH}) {
    const auto help = run_program({program, "--help"});
    CHECK(help.exited_with(0));
    CHECK(help.out.find("usage: ") == 0);
  }
}
