// fsync_readonly — fsync/fdatasync through a read-only descriptor clean pages dirtied by a mapping.
//
// Usage: ch02_fsync_readonly FILE [--data-only]
//
// Opens FILE O_RDONLY — no mapping, no write access — and calls fsync (or
// fdatasync with --data-only). Dirty pages of FILE are written back no matter
// which process dirtied them or through which mapping or descriptor: the
// page cache belongs to the file, not to a descriptor or a process.
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
    "usage: ch02_fsync_readonly FILE [--data-only]\n"
    "  fsync (or fdatasync) FILE through an O_RDONLY descriptor; prints the dirty\n"
    "  page count before and after.\n";

std::uint64_t dirty_pages(int fd) {
  mbe::PageCacheState state;
  if (mbe::probe_page_cache(fd, 0, 0, state)) return 0;  // the probe is optional here
  return state.dirty;
}
}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  bool data_only = false;
  if (auto exit_status = mbe::parse_command_line(argc, argv, usage, {&path, 1},
                                                 {mbe::Option::toggle("--data-only", data_only)}))
    return *exit_status;
  // [readonly]
  mbe::Failure failure;  // a FIFO, device or procfs file is refused, never waited on
  const int fd = mbe::open_regular_file(path, O_RDONLY, failure);
  if (fd < 0) return mbe::report_error(failure.call, failure.error);
  const std::uint64_t before = dirty_pages(fd);
  if ((data_only ? ::fdatasync(fd) : ::fsync(fd)) != 0)
    return mbe::report_errno(data_only ? "fdatasync" : "fsync", errno);
  // [readonly]
  std::cout << (data_only ? "fdatasync" : "fsync")
            << " through an O_RDONLY descriptor: dirty pages " << before << " -> "
            << dirty_pages(fd) << '\n';
  ::close(fd);
  return 0;
}
