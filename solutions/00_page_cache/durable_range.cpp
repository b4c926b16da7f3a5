// Exercise 00 — reference solution.
#include "exercise.hpp"
#include "msync/page_cache.hpp"

namespace ex00 {

std::int64_t count_dirty_pages(int fd, std::uint64_t offset, std::uint64_t length) {
  mbe::PageCacheState state{};
  if (mbe::probe_page_cache(fd, offset, length, state)) return -1;  // errno is set by the probe
  return static_cast<std::int64_t>(state.dirty);
}

// [solution]
bool range_is_durable(int fd, std::uint64_t offset, std::uint64_t length) {
  mbe::PageCacheState state{};
  if (mbe::probe_page_cache(fd, offset, length, state)) return false;  // cannot tell: not "yes"
  // Under writeback means the I/O was started, not that it finished.
  return state.dirty == 0 && state.writeback == 0;
}
// [solution]

}  // namespace ex00
