// Chapter 07's replay of a blklogwrites log, on logs built here by hand: what
// a disk with a volatile cache keeps is what came before the last flush.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "replay_testing.hpp"
#include "testing.hpp"
#include "write_log.hpp"

using ch07::testing::blank_disk;
using ch07::testing::sector;
using mbe::testing::contains;
using mbe::testing::read_file;
using mbe::testing::run_program;
using mbe::testing::ScratchDir;

namespace {

// A log in the format qemu writes: superblock, then entry sectors and data.
class LogBuilder {
 public:
  LogBuilder& write(std::uint64_t disk_sector, char fill, std::uint64_t flags = 0) {
    return entry({disk_sector, 1, flags, 0}, std::string(sector, fill));
  }
  LogBuilder& flush() { return entry({0, 0, ch07::write_log_flush, 0}, ""); }
  LogBuilder& discard(std::uint64_t disk_sector) {
    return entry({disk_sector, 1, ch07::write_log_discard, 0}, "");
  }
  // The superblock counts @p counted entries (qemu updates it at each flush).
  std::string bytes(std::uint64_t counted) const {
    ch07::WriteLogSuper super{ch07::write_log_magic, 1, counted, sector};
    std::string log(sector, '\0');
    std::memcpy(log.data(), &super, sizeof super);
    return log + body_;
  }
  std::string bytes() const { return bytes(entries_); }

 private:
  LogBuilder& entry(const ch07::WriteLogEntry& header, const std::string& data) {
    std::string header_sector(sector, '\0');
    std::memcpy(header_sector.data(), &header, sizeof header);
    body_ += header_sector + data;
    ++entries_;
    return *this;
  }
  std::string body_;
  std::uint64_t entries_ = 0;
};

using ch07::testing::replay_onto_blank_disk;

std::string disk_sector(const std::string& disk, std::size_t index) {
  return disk.substr(index * sector, sector);
}

}  // namespace

TEST_CASE("replay keeps the writes before the last flush and drops the rest") {
  const auto log =
      LogBuilder().write(0, 'a').write(1, 'b').flush().write(2, 'c').flush().write(3, 'd').write(
          0, 'e');
  const auto replayed = replay_onto_blank_disk(log.bytes());
  REQUIRE(replayed.ok);
  const auto& disk = replayed.disk;
  const auto& summary = replayed.summary;
  CHECK(disk_sector(disk, 0) ==
        std::string(sector, 'a'));  // rewritten after the last flush: old data
  CHECK(disk_sector(disk, 1) == std::string(sector, 'b'));
  CHECK(disk_sector(disk, 2) == std::string(sector, 'c'));
  CHECK(disk_sector(disk, 3) == std::string(sector, '.'));  // never flushed
  CHECK(summary.entries == 7);
  CHECK(summary.flushes == 2);
  CHECK(summary.writes_replayed == 3);
  CHECK(summary.writes_dropped == 2);
}

TEST_CASE("replay of a log without a flush keeps nothing") {
  const auto replayed = replay_onto_blank_disk(LogBuilder().write(0, 'a').write(1, 'b').bytes());
  REQUIRE(replayed.ok);
  const auto& disk = replayed.disk;
  const auto& summary = replayed.summary;
  CHECK(disk == blank_disk);
  CHECK(summary.writes_dropped == 2);
}

TEST_CASE("replay keeps a FUA write after the last flush but not the data of a flush entry") {
  const auto log =
      LogBuilder()
          .write(0, 'a')
          .write(1, 'f', ch07::write_log_flush)  // flush first, then this write: not covered
          .write(2, 'u', ch07::write_log_fua);   // written through the cache
  const auto replayed = replay_onto_blank_disk(log.bytes());
  REQUIRE(replayed.ok);
  const auto& disk = replayed.disk;
  CHECK(disk_sector(disk, 0) == std::string(sector, 'a'));
  CHECK(disk_sector(disk, 1) == std::string(sector, '.'));
  CHECK(disk_sector(disk, 2) == std::string(sector, 'u'));
}

TEST_CASE("replay reads only the entries the superblock counts and skips discards") {
  // qemu rewrites the superblock at every flush: entries logged after the last
  // one are past its count, and may be half-written when the plug is pulled.
  const auto log = LogBuilder().write(0, 'a').discard(1).flush().write(2, 'c').flush();
  const auto replayed = replay_onto_blank_disk(log.bytes(3));
  REQUIRE(replayed.ok);
  const auto& disk = replayed.disk;
  const auto& summary = replayed.summary;
  CHECK(summary.entries == 3);
  CHECK(summary.flushes == 1);         // the uncounted flush never completed for the guest
  CHECK(summary.writes_dropped == 1);  // sector 2: logged, never made durable
  CHECK(disk_sector(disk, 0) == std::string(sector, 'a'));
  CHECK(disk_sector(disk, 1) == std::string(sector, '.'));
  CHECK(disk_sector(disk, 2) == std::string(sector, '.'));
}

TEST_CASE("replay refuses a foreign file or a truncated log and leaves the image untouched") {
  const auto foreign = replay_onto_blank_disk(std::string(4 * sector, 'x'));
  CHECK(foreign.disk == blank_disk);
  CHECK_FALSE(foreign.ok);
  CHECK(contains(foreign.error, "not a write log"));

  const std::string whole = LogBuilder().write(0, 'a').flush().bytes();
  const auto truncated = replay_onto_blank_disk(whole.substr(0, whole.size() - 2 * sector));
  CHECK(truncated.disk == blank_disk);
  CHECK_FALSE(truncated.ok);
  CHECK(contains(truncated.error, "truncated"));

  std::string bad_flags = whole;
  bad_flags[sector + 16] = 0x40;  // flags of entry 0: a bit no log writer sets
  const auto flagged = replay_onto_blank_disk(bad_flags);
  CHECK(flagged.disk == blank_disk);
  CHECK_FALSE(flagged.ok);
  CHECK(contains(flagged.error, "unknown flags in entry 0"));
}

TEST_CASE("the replay program reports what it kept and names what it refuses") {
  ScratchDir dir;
  mbe::testing::write_file(dir.file("log"),
                           LogBuilder().write(0, 'a').flush().write(1, 'b').bytes());
  mbe::testing::write_file(dir.file("disk"), blank_disk);
  const auto replay = run_program(
      {MBE_PROGRAM_REPLAY_TO_FLUSH, dir.file("log").string(), dir.file("disk").string()});
  CHECK(replay.exited_with(0));
  CHECK(mbe::testing::summary_value(replay.out, "entries") == "3");
  CHECK(mbe::testing::summary_value(replay.out, "flushes") == "1");
  CHECK(mbe::testing::summary_value(replay.out, "writes_replayed") == "1");
  CHECK(mbe::testing::summary_value(replay.out, "writes_dropped") == "1");
  CHECK(disk_sector(read_file(dir.file("disk")), 0) == std::string(sector, 'a'));

  const auto missing = run_program(
      {MBE_PROGRAM_REPLAY_TO_FLUSH, dir.file("nothing").string(), dir.file("disk").string()});
  CHECK(missing.exited_with(1));
  CHECK(contains(missing.err,
                 "open " + dir.file("nothing").string() + ": ENOENT (No such file or directory)"));
  CHECK(run_program({MBE_PROGRAM_REPLAY_TO_FLUSH, dir.file("log").string()}).exited_with(2));
}
