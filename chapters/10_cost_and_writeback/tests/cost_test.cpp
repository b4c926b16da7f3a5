// Chapter 10: the cost benchmark runs, fast, and its byte counts say what the
// chapter says. Its timings are printed, never asserted.
#include <doctest/doctest.h>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "testing.hpp"

using mbe::testing::run_program;
using mbe::testing::ScratchDir;

namespace {
struct Row {
  double min = 0, median = 0, max = 0;
  std::string bytes_per_byte;
};

// The table row whose first two cells are @p label and @p pages.
Row row(const std::string& table, const std::string& label, int pages) {
  const std::string start = "| " + label + " | " + std::to_string(pages) + " | ";
  const auto at = table.find(start);
  REQUIRE_MESSAGE(at != std::string::npos, "no row " << start);
  std::istringstream cells(table.substr(at + start.size(), table.find('\n', at) - at - start.size()));
  Row result;
  std::string bar;
  double ratio = 0;
  cells >> result.min >> bar >> result.median >> bar >> result.max >> bar >> ratio >> bar >> result.bytes_per_byte;
  return result;
}

std::string run_benchmark(const ScratchDir& dir, const char* rounds) {
  const auto run = run_program({MBE_PROGRAM_COST_BENCHMARK, dir.path().string(), "--rounds", rounds});
  REQUIRE(run.exited_with(0));
  return run.out;
}
}  // namespace

TEST_CASE("the cost benchmark prints every case in under a minute and cleans up") {
  ScratchDir dir;
  const auto start = std::chrono::steady_clock::now();
  const auto table = run_benchmark(dir, "30");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(60));
  INFO(table);
  for (const char* label : {"nothing (stores only)", "MS_ASYNC", "MS_SYNC", "fsync", "fdatasync", "pwrite + fdatasync"})
    for (const int pages : {1, 256}) {
      const Row r = row(table, label, pages);
      CHECK(r.min <= r.median);
      CHECK(r.median <= r.max);
    }
  CHECK(row(table, "fdatasync, nothing dirty (floor)", 0).min > 0);
  CHECK(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("stores and MS_ASYNC write nothing to the device while MS_SYNC writes whole pages") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto table = run_benchmark(dir, "5");
  INFO(table);
  for (const int pages : {1, 256}) {
    CHECK(row(table, "nothing (stores only)", pages).bytes_per_byte == "0");
    CHECK(row(table, "MS_ASYNC", pages).bytes_per_byte == "0");
    // 8 bytes stored per page, at least the 4096-byte page written: >= 512 per byte.
    CHECK(std::stoll(row(table, "MS_SYNC", pages).bytes_per_byte) >= 512);
    CHECK(std::stoll(row(table, "pwrite + fdatasync", pages).bytes_per_byte) >= 512);
  }
}

TEST_CASE("one dirty page writes the same bytes in a 1 GiB mapping as in a 1 MiB one") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto table = run_benchmark(dir, "5");
  INFO(table);
  CHECK(row(table, "MS_SYNC, 1 GiB mapping", 1).bytes_per_byte == row(table, "MS_SYNC", 1).bytes_per_byte);
}

TEST_CASE("one stored word in a file written in 1 MiB chunks writes a whole large folio") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  const auto table = run_benchmark(dir, "5");
  INFO(table);
  // 1 MiB (or more) written for 8 bytes stored.
  CHECK(std::stoll(row(table, "MS_SYNC, file written in 1 MiB chunks", 1).bytes_per_byte) >= (1 << 20) / 8);
}
