// state_verify — after the writer died: what is in the file, and is it on
// the disk yet?
//
// Usage: ch06_state_verify FILE
//
// Reads the state with read(2) — not through a mapping — so it sees what the
// kernel holds for the file, then asks cachestat(2) whether those pages are
// still dirty (only in RAM) or already written back. Prints
//   counter=N total=T consistent|torn dirty_pages=D of P
// Exit status: 0 a consistent state; 1 an unreadable or foreign file; 4 a
// state caught between its two stores.
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <string_view>

#include "counter_state.hpp"
#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"
#include "msync/page_cache.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch06_state_verify FILE\n"
    "  Reads the state a ch06_state_writer left in FILE, says whether it is\n"
    "  consistent, and how many of its pages are still dirty in the page cache.\n";
}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  if (auto exit_status = mbe::parse_command_line(argc, argv, usage, {&path, 1}))
    return *exit_status;

  mbe::Failure failure;  // a FIFO, device or procfs file is refused, never waited on
  const int fd = mbe::open_regular_file(path, O_RDONLY, failure);
  if (fd < 0) return mbe::report_error(failure.call + " " + path, failure.error);
  // [verify]
  ch06::CounterState state{};
  const ssize_t got = ::pread(fd, &state, sizeof state, 0);
  if (got < 0) return mbe::report_errno("pread", errno);
  if (static_cast<std::size_t>(got) != sizeof state || state.magic != ch06::counter_magic) {
    std::cerr << "ch06_state_verify: " << path << ": not a counter state file (" << got
              << " bytes)\n";
    ::close(fd);
    return 1;
  }
  mbe::PageCacheState cache{};
  const auto probe = mbe::probe_page_cache(fd, 0, 0, cache);
  // [verify]
  ::close(fd);
  const bool consistent = ch06::is_consistent(state);
  std::cout << "counter=" << state.counter << " total=" << state.total
            << (consistent ? " consistent" : " torn");
  if (probe)
    std::cout << " dirty_pages=unknown (" << mbe::describe_error("cachestat", probe) << ")\n";
  else
    std::cout << " dirty_pages=" << cache.dirty << " of " << cache.cached << '\n';
  return consistent ? 0 : 4;
}
