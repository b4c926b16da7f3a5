// what_each_call_does — the effect of each "sync" call on a file's dirty and writeback pages.
//
// Usage: ch02_what_each_call_does DIR [--pages N]
//
// For each call, creates a fresh file in DIR, dirties N pages (default 256)
// through a MAP_SHARED mapping, makes the call, and prints the page-cache
// state right after it and 200 ms later:
//   msync(flags=0), msync(MS_ASYNC), msync(MS_SYNC), fsync, fdatasync,
//   sync_file_range(SYNC_FILE_RANGE_WRITE).
// MS_ASYNC and flags=0 leave every page dirty: on Linux they start no I/O.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <string_view>
#include <thread>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch02_what_each_call_does DIR [--pages N]\n"
    "  Dirties N pages (default 256) of a new file in DIR for each sync call and prints\n"
    "  how many are dirty / under writeback right after the call and 200 ms later.\n";

struct Call {
  const char* name;
  std::function<int(mbe::MappedFile&)> run;  // returns 0 or -1 with errno, like the calls
};

// [calls]
const Call calls[] = {
    {"msync(flags = 0)", [](auto& f) { return ::msync(f.bytes().data(), f.size(), 0); }},
    {"msync(MS_ASYNC)", [](auto& f) { return ::msync(f.bytes().data(), f.size(), MS_ASYNC); }},
    {"msync(MS_SYNC)", [](auto& f) { return ::msync(f.bytes().data(), f.size(), MS_SYNC); }},
    {"fsync", [](auto& f) { return ::fsync(f.fd()); }},
    {"fdatasync", [](auto& f) { return ::fdatasync(f.fd()); }},
    {"sync_file_range(WRITE)",
     [](auto& f) { return ::sync_file_range(f.fd(), 0, 0, SYNC_FILE_RANGE_WRITE); }},
};
// [calls]
}  // namespace

int main(int argc, char** argv) {
  const char* dir = nullptr;
  std::uint64_t pages = 256;
  if (auto exit_status = mbe::parse_command_line(argc, argv, usage, {&dir, 1},
                                                 {mbe::Option::number("--pages", pages, 1, 65536)}))
    return *exit_status;
  try {
    const std::size_t page = mbe::page_size();
    std::printf("%-24s %16s %16s\n", "call", "right after", "200 ms later");
    std::printf("%-24s %16s %16s\n", "", "dirty/writeback", "dirty/writeback");
    for (const auto& call : calls) {
      const auto path = std::filesystem::path(dir) / "ch02_what_each_call_does.tmp";
      mbe::remove_quietly(path);
      const mbe::RemovedAtScopeExit temporary(path);  // also after an error below
      auto file = mbe::MappedFile::create(path, pages * page);
      for (std::uint64_t i = 0; i < pages; ++i) file.bytes()[i * page] = std::byte{1};
      if (call.run(file) != 0) return mbe::report_errno(call.name, errno);
      const auto after = mbe::page_cache_state(file.fd());
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      const auto later = mbe::page_cache_state(file.fd());
      std::printf("%-24s %9llu/%-6llu %9llu/%-6llu\n", call.name,
                  static_cast<unsigned long long>(after.dirty),
                  static_cast<unsigned long long>(after.writeback),
                  static_cast<unsigned long long>(later.dirty),
                  static_cast<unsigned long long>(later.writeback));
    }
  } catch (const std::exception& error) {
    std::cerr << error.what() << '\n';
    return 1;
  }
  std::cout << "\nmsync(MS_ASYNC) and flags 0 started nothing. sync_file_range started writeback\n"
               "but does not wait, flush the device cache or write metadata: not durable.\n";
  return 0;
}
