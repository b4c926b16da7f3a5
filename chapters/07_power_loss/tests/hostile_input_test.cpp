// Chapter 07 claims on hostile input: the write-log replay checks every
// number it reads before it writes anything (no overflow, nothing past the
// image), a FIFO is refused at once, and the writer turns a file-size limit
// into an EFBIG message without leaving a half-written file.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "replay_testing.hpp"
#include "testing.hpp"
#include "write_log.hpp"

using ch07::testing::blank_disk;
using ch07::testing::sector;
using mbe::testing::contains;
using mbe::testing::run_program;
using mbe::testing::ScratchDir;

namespace {

// One log entry (and its data, one sector of @p fill, unless it is a flush).
std::string entry(std::uint64_t disk_sector, std::uint64_t flags, char fill) {
  const ch07::WriteLogEntry header{disk_sector, flags == ch07::write_log_flush ? 0U : 1U, flags, 0};
  std::string bytes(sector, '\0');
  std::memcpy(bytes.data(), &header, sizeof header);
  return flags == ch07::write_log_flush ? bytes : bytes + std::string(sector, fill);
}

std::string log_of(std::uint64_t entries, const std::string& body) {
  const ch07::WriteLogSuper super{ch07::write_log_magic, 1, entries, sector};
  std::string bytes(sector, '\0');
  std::memcpy(bytes.data(), &super, sizeof super);
  return bytes + body;
}

ch07::testing::Replayed replay(const std::string& log) {
  return ch07::testing::replay_onto_blank_disk(log);
}

}  // namespace

TEST_CASE("replay refuses a sector number whose byte offset overflows and writes nothing") {
  // (2^64 / 512) + 1 sectors: times 512 it wraps to byte 512 - a write into sector 1.
  const std::uint64_t wrapping = (UINT64_MAX / sector) + 2;
  const auto result = replay(log_of(4, entry(0, 0, 'a') + entry(wrapping, 0, 'z') +
                                           entry(0, ch07::write_log_flush, 0) +
                                           entry(0, ch07::write_log_flush, 0)));
  CHECK_FALSE(result.ok);
  CHECK(contains(result.error, "entry 1 writes sectors " + std::to_string(wrapping)));
  CHECK(result.disk == blank_disk);  // not even entry 0, which came before the bad one
}

TEST_CASE("replay refuses a write past the end of the image and writes nothing") {
  const auto result =
      replay(log_of(3, entry(0, 0, 'a') + entry(8, 0, 'z') + entry(0, ch07::write_log_flush, 0)));
  CHECK_FALSE(result.ok);
  CHECK(contains(result.error, "past the end of"));
  CHECK(contains(result.error, "(8 sectors)"));
  CHECK(result.disk == blank_disk);
  CHECK(result.disk.size() == 8 * sector);  // not grown either
}

TEST_CASE("replay accepts a write that ends exactly at the end of the image") {
  const auto result = replay(log_of(2, entry(7, 0, 'z') + entry(0, ch07::write_log_flush, 0)));
  CHECK(result.ok);
  CHECK(result.disk.substr(7 * sector) ==
        std::string(sector, 'z'));  // the last sector, flushed: kept
  CHECK(result.disk.size() == 8 * sector);
}

TEST_CASE("the replay program refuses a FIFO as its log or image at once") {
  ScratchDir dir;
  REQUIRE(::mkfifo(dir.file("fifo").c_str(), 0600) == 0);
  mbe::testing::write_file(dir.file("disk"), blank_disk);
  mbe::testing::write_file(dir.file("log"), log_of(0, ""));
  const auto as_log = run_program(
      {MBE_PROGRAM_REPLAY_TO_FLUSH, dir.file("fifo").string(), dir.file("disk").string()});
  CHECK(as_log.exited_with(1));
  CHECK(contains(as_log.err, "open " + dir.file("fifo").string() + ": not a regular file"));
  const auto as_image = run_program(
      {MBE_PROGRAM_REPLAY_TO_FLUSH, dir.file("log").string(), dir.file("fifo").string()});
  CHECK(as_image.exited_with(1));
  CHECK(contains(as_image.err, "open " + dir.file("fifo").string() + ": not a regular file"));
}

TEST_CASE("the writer under a file-size limit reports EFBIG and leaves no half-written file") {
  if (!std::filesystem::exists("/usr/bin/prlimit")) MBE_SKIP("needs /usr/bin/prlimit (util-linux)");
  ScratchDir dir;
  const auto file = dir.file("records");
  // 1024 records of 64 bytes = 64 KiB, under a limit of 4 KiB.
  const auto result = run_program({"/usr/bin/prlimit", "--fsize=4096", MBE_PROGRAM_PLUG_WRITER,
                                   "--mode", "ms_sync", "--records", "1024", file.string()});
  CHECK(result.signal == 0);
  CHECK(result.exited_with(1));  // not 128 + SIGXFSZ
  CHECK(result.err == "write " + file.string() + ": EFBIG (File too large)\n");
  CHECK_FALSE(contains(result.out, "READY"));
  CHECK_FALSE(std::filesystem::exists(file));
}
