// Exercise 00 — your code. Task: exercises/00_page_cache/README.md
#include <stdexcept>

#include "exercise.hpp"
#include "msync/page_cache.hpp"  // mbe::probe_page_cache and mbe::PageCacheState

namespace ex00 {

std::int64_t count_dirty_pages([[maybe_unused]] int fd, [[maybe_unused]] std::uint64_t offset,
                               [[maybe_unused]] std::uint64_t length) {
  // TODO: ask the kernel about the range (cachestat(2), through mbe::probe_page_cache)
  //       and return its dirty count; -1 when the probe fails.
  throw std::logic_error("TODO: count_dirty_pages is not written yet");
}

bool range_is_durable([[maybe_unused]] int fd, [[maybe_unused]] std::uint64_t offset,
                      [[maybe_unused]] std::uint64_t length) {
  // TODO: durable means nothing dirty AND nothing still being written.
  throw std::logic_error("TODO: range_is_durable is not written yet");
}

}  // namespace ex00
