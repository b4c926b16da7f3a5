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

#include <cstring>
#include <iostream>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
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
  if (argc >= 2 && mbe::is_help_flag(argv[1])) {
    std::cout << usage;
    return 0;
  }
  const bool data_only = argc == 3 && std::strcmp(argv[2], "--data-only") == 0;
  if (argc < 2 || argc > 3 || (argc == 3 && !data_only)) {
    std::cerr << usage;
    return 2;
  }
  // [readonly]
  const int fd = ::open(argv[1], O_RDONLY | O_CLOEXEC);
  if (fd < 0) return mbe::report_errno("open", errno);
  const std::uint64_t before = dirty_pages(fd);
  if ((data_only ? ::fdatasync(fd) : ::fsync(fd)) != 0)
    return mbe::report_errno(data_only ? "fdatasync" : "fsync", errno);
  // [readonly]
  std::cout << (data_only ? "fdatasync" : "fsync") << " through an O_RDONLY descriptor: dirty pages "
            << before << " -> " << dirty_pages(fd) << '\n';
  ::close(fd);
  return 0;
}
