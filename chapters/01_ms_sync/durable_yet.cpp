// durable_yet — is everything of this file that is in RAM also on the disk?
//
// Usage: ch01_durable_yet FILE
//
// Asks cachestat(2) how many of FILE's pages are dirty or under writeback.
// Zero of both means no cached page differs from the disk: every completed
// store has been written back (by msync, fsync, or the kernel's writeback).
// Exit status: 0 when clean, 3 when something is not written back yet.
#include <fcntl.h>
#include <unistd.h>

#include <iostream>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"
#include "msync/page_cache.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch01_durable_yet FILE\n"
    "  Exit 0 if no page of FILE is dirty or under writeback, 3 otherwise.\n";
constexpr int not_durable_yet = 3;
}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  if (auto exit_status = mbe::parse_command_line(argc, argv, usage, {&path, 1}))
    return *exit_status;
  mbe::Failure failure;  // a FIFO, device or procfs file is refused, never waited on
  const int fd = mbe::open_regular_file(path, O_RDONLY, failure);
  if (fd < 0) return mbe::report_error(failure.call, failure.error);
  // [probe]
  mbe::PageCacheState state;
  const auto error = mbe::probe_page_cache(fd, 0, 0, state);  // length 0: to end of file
  ::close(fd);
  if (error) {
    std::cerr << mbe::describe_error("cachestat", error) << ": "
              << mbe::page_cache_probe_hint(error) << '\n';
    return 1;
  }
  const bool clean = state.dirty == 0 && state.writeback == 0;
  // [probe]
  std::cout << "cached " << state.cached << ", dirty " << state.dirty << ", writeback "
            << state.writeback << ": "
            << (clean ? "clean, every cached byte is on the disk\n"
                      : "NOT durable yet, some stores exist only in RAM\n");
  return clean ? 0 : not_durable_yet;
}
