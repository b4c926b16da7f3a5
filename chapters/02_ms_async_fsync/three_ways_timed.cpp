// three_ways_timed — the three ways to make mapped data durable, timed side by side.
//
// Usage: ch02_three_ways_timed DIR [--rounds N] [--pages P]
//
// Ways: msync(MS_SYNC); msync(MS_ASYNC) then fsync; msync(MS_ASYNC) then
// fdatasync. Each round dirties P pages (default 16) of one file in DIR and
// runs every way once, in an order that rotates per round, so slow and calm
// periods of the device hit all ways alike. Prints min / median / max in µs.
// All three end in the same state (0 dirty pages); the test proves that.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string_view>
#include <vector>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"
#include "msync/mapped_file.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch02_three_ways_timed DIR [--rounds N] [--pages P]\n"
    "  Times MS_SYNC, MS_ASYNC+fsync and MS_ASYNC+fdatasync on P dirty pages (default 16),\n"
    "  N interleaved rounds (default 30), and prints min / median / max.\n";

// [ways]
int ms_sync(mbe::MappedFile& f) {
  return ::msync(f.bytes().data(), f.size(), MS_SYNC);
}
int ms_async_fsync(mbe::MappedFile& f) {
  if (::msync(f.bytes().data(), f.size(), MS_ASYNC) != 0) return -1;  // portable "schedule"
  return ::fsync(f.fd());                                             // the real work
}
int ms_async_fdatasync(mbe::MappedFile& f) {
  if (::msync(f.bytes().data(), f.size(), MS_ASYNC) != 0) return -1;
  return ::fdatasync(f.fd());  // skips metadata not needed to read the data back
}
// [ways]

struct Way {
  const char* name;
  int (*run)(mbe::MappedFile&);
  std::vector<double> micros;
};
}  // namespace

int main(int argc, char** argv) {
  const char* dir = nullptr;
  std::uint64_t rounds = 30;
  std::uint64_t pages = 16;
  if (auto exit_status =
          mbe::parse_command_line(argc, argv, usage, {&dir, 1},
                                  {mbe::Option::number("--rounds", rounds, 1, 100000),
                                   mbe::Option::number("--pages", pages, 1, 100000)}))
    return *exit_status;
  Way ways[] = {{"msync(MS_SYNC)", ms_sync, {}},
                {"MS_ASYNC + fsync", ms_async_fsync, {}},
                {"MS_ASYNC + fdatasync", ms_async_fdatasync, {}}};
  try {
    const auto path = std::filesystem::path(dir) / "ch02_three_ways_timed.tmp";
    mbe::remove_quietly(path);
    const mbe::RemovedAtScopeExit temporary(path);  // also after an error below
    auto file = mbe::MappedFile::create(path, pages * mbe::page_size());
    for (std::uint64_t round = 0; round < rounds; ++round) {
      for (std::size_t k = 0; k < std::size(ways); ++k) {
        Way& way = ways[(k + round) % std::size(ways)];  // rotate the order
        for (std::uint64_t p = 0; p < pages; ++p)
          file.bytes()[p * mbe::page_size()] = static_cast<std::byte>(round);
        const auto start = std::chrono::steady_clock::now();
        if (way.run(file) != 0) return mbe::report_errno(way.name, errno);
        const std::chrono::duration<double, std::micro> took =
            std::chrono::steady_clock::now() - start;
        way.micros.push_back(took.count());
      }
    }
  } catch (const std::exception& error) {
    std::cerr << error.what() << '\n';
    return 1;
  }
  std::printf("%llu dirty pages, %llu interleaved rounds\n", static_cast<unsigned long long>(pages),
              static_cast<unsigned long long>(rounds));
  std::printf("%-22s %10s %10s %10s\n", "way", "min µs", "median µs", "max µs");
  for (auto& way : ways) {
    std::sort(way.micros.begin(), way.micros.end());
    std::printf("%-22s %10.1f %10.1f %10.1f\n", way.name, way.micros.front(),
                way.micros[way.micros.size() / 2], way.micros.back());
  }
  return 0;
}
