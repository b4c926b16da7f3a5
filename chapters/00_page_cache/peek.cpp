// peek — another process reads what a store put into a MAP_SHARED mapping.
//
// Usage: ch00_peek FILE
//
// Reads FILE with plain read() (no mapping) and prints its text up to the
// first NUL byte, then the page-cache state of the file. Run it after
// ch00_unmap_and_exit or while a writer still has the file mapped: it sees
// every completed store at once, though the probe shows the pages are still
// dirty, i.e. not on the disk. read() and the mapping share one page cache.
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <iostream>
#include <string>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"
#include "msync/page_cache.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch00_peek FILE\n"
    "  Prints FILE's text (up to the first NUL, at most 4096 bytes) read with read(),\n"
    "  and how many of its pages are cached and dirty.\n";
}

int main(int argc, char** argv) {
  const char* path = nullptr;
  if (auto exit_status = mbe::parse_command_line(argc, argv, usage, {&path, 1}))
    return *exit_status;
  // O_RDONLY: peek never modifies the file. cachestat may then answer EPERM
  // for a file we could not open for writing; that is reported, not fatal.
  // [peek]
  mbe::Failure failure;  // a FIFO, device or procfs file is refused, never waited on
  const int fd = mbe::open_regular_file(path, O_RDONLY, failure);
  if (fd < 0) return mbe::report_error(failure.call, failure.error);
  std::array<char, 4096> buffer{};
  const ssize_t n = ::pread(fd, buffer.data(), buffer.size(), 0);
  if (n < 0) return mbe::report_errno("pread", errno);
  // [peek]
  const std::string_view bytes(buffer.data(), static_cast<std::size_t>(n));
  const std::string_view text = bytes.substr(0, bytes.find('\0'));
  std::cout << "read() sees: \"" << text << "\"\n";

  mbe::PageCacheState state;
  if (auto error = mbe::probe_page_cache(fd, 0, 0, state)) {
    std::cout << "(no page-cache state: " << mbe::describe_error("cachestat", error) << ")\n";
  } else {
    std::cout << "page cache: cached " << state.cached << ", dirty " << state.dirty
              << ", writeback " << state.writeback << '\n';
    if (state.dirty > 0)
      std::cout << "The data is visible to every process, yet still only in RAM.\n";
  }
  ::close(fd);
  return 0;
}
