// Wrong solution to exercise 00: a failed probe reads as "durable".
// Kept so that CI proves the checks catch this classic mistake (ctest -L wrong).
// Caught by: a failed probe was read as "durable"
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
  (void)mbe::probe_page_cache(fd, offset, length,
                              state);  // WRONG: the error is ignored, state stays zero
  // Under writeback means the I/O was started, not that it finished.
  return state.dirty == 0 && state.writeback == 0;
}

}  // namespace ex00
