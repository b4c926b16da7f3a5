// Chapter 05 claims about the stream between processes: a consumer follows a
// live producer to its finish; a follower gives up on a dead producer; and
// each durability mode acknowledges records exactly when it promises.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/syscall.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"
#include "record_format.hpp"
#include "record_stream.hpp"
#include "testing.hpp"

using mbe::testing::run_program;
using mbe::testing::ScratchDir;

namespace {
// The header counter and finish flag of a record file, read through a new mapping.
struct Progress {
  std::uint32_t committed = 0;
  bool finished = false;
};
Progress progress_of(const std::filesystem::path& path) {
  std::error_code error;
  const auto file = mbe::MappedFile::open(path, error, mbe::Access::read_only);
  if (error || file.size() < sizeof(ch05::FileHeader)) return {};
  const auto& header = file.object<ch05::FileHeader>();
  return {ch05::load_committed(header), ch05::load_finished(header)};
}
}  // namespace

TEST_CASE("a consumer process follows a live producer process to its finish") {
  ScratchDir dir;
  const auto path = dir.file("stream");
  const pid_t producer =
      mbe::testing::spawn_program({MBE_PROGRAM_RECORD_PRODUCER, path.string(), "--records", "300",
                                   "--interval-us", "3000", "--durability", "none"});
  // 0.9 s of records: the test still sees them coming even when it is scheduled late.
  // The file appears whole (created under another name, then renamed): never half-made.
  REQUIRE(mbe::testing::wait_until([&] { return std::filesystem::exists(path); }));
  const auto at_start = progress_of(path);
  CHECK_FALSE(at_start.finished);  // the consumer starts while records are still coming
  CHECK(at_start.committed < 300);

  const auto consumer = run_program({MBE_PROGRAM_RECORD_CONSUMER, path.string(), "--follow"});
  CHECK(consumer.exited_with(0));
  CHECK(consumer.out == "read=300 record_size=64 all_valid=1 finished=1\n");
  CHECK(mbe::testing::wait_for(producer).exited_with(0));
}

// What the previous test cannot see: how the consumer waits and how it maps
// the file. Watched from outside, in /proc, while it follows a slow producer.
TEST_CASE(
    "a following consumer maps all but its first page read-only and sleeps in futex between "
    "records") {
  ScratchDir dir;
  const auto path = dir.file("stream");
  const pid_t producer =
      mbe::testing::spawn_program({MBE_PROGRAM_RECORD_PRODUCER, path.string(), "--records", "150",
                                   "--interval-us", "20000", "--durability", "none"});
  REQUIRE(mbe::testing::wait_until([&] { return std::filesystem::exists(path); }));
  const pid_t consumer = mbe::testing::spawn_program(
      {MBE_PROGRAM_RECORD_CONSUMER, path.string(), "--follow"}, dir.file("out"));
  const std::string proc = "/proc/" + std::to_string(consumer);
  const auto read_proc = [&](const char* name) {
    std::ifstream file(proc + "/" + name);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  };
  // The stream's lines in its memory map, in address order: the header's page
  // "rw-s" (the follower sets its sleeper bit there), the records "r--s".
  std::vector<std::string> mappings;
  CHECK(mbe::testing::wait_until([&] {
    mappings.clear();
    std::istringstream maps(read_proc("maps"));
    for (std::string line; std::getline(maps, line);)
      if (line.size() > path.string().size() && line.ends_with(" " + path.string()))
        mappings.push_back(line);
    return mappings.size() == 2;
  }));
  REQUIRE(mappings.size() == 2);
  INFO("the consumer's mappings of the stream: ", mappings[0], " / ", mappings[1]);
  CHECK(mappings[0].find(" rw-s 00000000 ") != std::string::npos);
  CHECK(mappings[1].find(" r--s 00001000 ") != std::string::npos);
  // Between records it is blocked in the futex system call (first field of
  // /proc/PID/syscall), not polling in a sleep.
  const std::string futex = std::to_string(SYS_futex) + " ";
  CHECK(mbe::testing::wait_until([&] { return read_proc("syscall").rfind(futex, 0) == 0; }));

  CHECK(mbe::testing::wait_for(producer).exited_with(0));
  CHECK(mbe::testing::wait_for(consumer).exited_with(0));
  CHECK(mbe::testing::read_file(dir.file("out")) ==
        "read=150 record_size=64 all_valid=1 finished=1\n");
}

TEST_CASE("a follower gives up after its idle timeout when the producer was killed") {
  ScratchDir dir;
  const auto path = dir.file("stream");
  const pid_t producer = mbe::testing::spawn_program(
      {MBE_PROGRAM_RECORD_PRODUCER, path.string(), "--records", "100000", "--interval-us", "1000"});
  REQUIRE(mbe::testing::wait_until([&] { return progress_of(path).committed >= 5; }));
  ::kill(producer, SIGKILL);
  CHECK(mbe::testing::wait_for(producer).signal == SIGKILL);

  const auto consumer = run_program(
      {MBE_PROGRAM_RECORD_CONSUMER, path.string(), "--follow", "--idle-timeout-ms", "200"});
  CHECK(consumer.exited_with(3));
  CHECK(consumer.err.find("no new record for 200 ms and the producer has not finished") !=
        std::string::npos);
}

TEST_CASE("the producer creates its file atomically and never replaces one") {
  ScratchDir dir;
  const auto path = dir.file("stream");
  mbe::testing::write_file(path, "precious data");
  const auto result = run_program({MBE_PROGRAM_RECORD_PRODUCER, path.string()});
  CHECK(result.exited_with(1));
  CHECK(result.err ==
        "ch05_record_producer: renameat2 " + path.string() + ": EEXIST (File exists)\n");
  CHECK(mbe::testing::read_file(path) == "precious data");
  CHECK_FALSE(std::filesystem::exists(dir.file("stream.creating")));  // no litter either
}

TEST_CASE("every mode produces records that the consumer and the recovery scan accept") {
  ScratchDir dir;
  for (const std::string mode : {"none", "record", "group"}) {
    CAPTURE(mode);
    const auto path = dir.file(mode);
    const auto produced = run_program({MBE_PROGRAM_RECORD_PRODUCER, path.string(), "--durability",
                                       mode, "--records", "150", "--record-size", "104"});
    REQUIRE(produced.exited_with(0));
    CHECK(mbe::testing::summary_value(produced.out, "produced") == "150");
    CHECK(mbe::testing::summary_value(produced.out, "record_size") == "104");
    CHECK(mbe::testing::summary_value(produced.out, "durability") == mode);
    const auto consumed = run_program({MBE_PROGRAM_RECORD_CONSUMER, path.string()});
    CHECK(consumed.exited_with(0));
    CHECK(consumed.out == "read=150 record_size=104 all_valid=1 finished=1\n");
    const auto recovered = run_program({MBE_PROGRAM_RECORD_RECOVER, path.string()});
    CHECK(recovered.exited_with(0));
    CHECK(
        recovered.out ==
        "committed=150 valid=150 unpublished_valid=0 torn_after=0 finished=1 pattern_mismatch=0\n");
  }
}

TEST_CASE("acks are printed as they happen") {
  ScratchDir dir;
  const auto result = run_program({MBE_PROGRAM_RECORD_PRODUCER, dir.file("s").string(), "--records",
                                   "5", "--durability", "record", "--acks"});
  CHECK(result.exited_with(0));
  CHECK(result.out.find("ACK 1\nACK 2\nACK 3\nACK 4\nACK 5\nproduced=5 ") == 0);
}

TEST_CASE("the benchmark prints a row per durability mode") {
  // A spinning follower never sleeps: waking only sleepers makes no FUTEX_WAKE
  // then, the old way one per record (and one at the finish).
  ScratchDir dir;
  const auto result =
      run_program({MBE_PROGRAM_RECORD_BENCH, "--records", "300", "--synced-records", "20", "--runs",
                   "2", "--follower", "spinning", "--dir", dir.path().string()});
  REQUIRE(result.exited_with(0));
  for (const std::string mode : {"none", "record", "group"}) {
    CAPTURE(mode);
    CHECK(std::stoull(mbe::testing::summary_value(result.out, mode + "_sleepers_records_per_s")) >
          0);
    CHECK(std::stoull(mbe::testing::summary_value(result.out, mode + "_every_records_per_s")) > 0);
    CHECK(mbe::testing::summary_value(result.out, mode + "_sleepers_wake_calls") == "0");
  }
  CHECK(mbe::testing::summary_value(result.out, "none_every_wake_calls") == "301");
  CHECK(mbe::testing::summary_value(result.out, "record_every_wake_calls") == "21");
  CHECK(std::filesystem::is_empty(dir.path()));  // it removes its files
}

TEST_CASE("the latency and cost benchmarks print their figures and clean up") {
  ScratchDir dir;
  const auto latency = run_program({MBE_PROGRAM_RECORD_LATENCY, "--records", "200", "--rate",
                                    "20000", "--runs", "1", "--dir", dir.path().string()});
  REQUIRE(latency.exited_with(0));
  for (const char* key :
       {"rate20000_sleeping_p50_us", "rate20000_spinning_p50_us", "rate20000_spinning_cpu_percent"})
    CHECK(std::stod(mbe::testing::summary_value(latency.out, key)) > 0);
  const auto cost = run_program(
      {MBE_PROGRAM_RECORD_COST, "--records", "2000", "--runs", "1", "--dir", dir.path().string()});
  REQUIRE(cost.exited_with(0));
  for (const char* key : {"checksum_60_bytes_ns", "append_fresh_file_ns", "append_populated_ns",
                          "append_fallocated_ns"})
    CHECK(std::stod(mbe::testing::summary_value(cost.out, key)) > 0);
  CHECK(std::filesystem::is_empty(dir.path()));
}
