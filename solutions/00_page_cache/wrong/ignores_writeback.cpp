// Wrong solution to exercise 00: a page under writeback counts as durable.
// Kept so that CI proves the checks catch this classic mistake (ctest -L wrong).
// Caught by: a page under writeback was called durable
#include "exercise.hpp"
#include "msync/page_cache.hpp"

namespace ex00 {

std::int64_t count_dirty_pages(int fd, std::uint64_t offset, std::uint64_t length) {
  mbe::PageCacheState state{};
  if (mbe::probe_page_cache(fd, offset, length, state)) return -1;  // errno is set by the probe
  return static_cast<std::int64_t>(state.dirty);
}

bool range_is_durable(int fd, std::uint64_t offset, std::uint64_t length) {
  mbe::PageCacheState state{};
  if (mbe::probe_page_cache(fd, offset, length, state)) return false;  // cannot tell: not "yes"
  // Under writeback means the I/O was started, not that it finished.
  return state.dirty == 0;  // WRONG: writeback started is not writeback finished
}

}  // namespace ex00
