// Exercise 10 — reference solution. Task: exercises/10_cost_and_writeback/README.md
#include <thread>

#include "exercise.hpp"
#include "msync/page_cache.hpp"

namespace ex10 {

// [solution]
std::error_code wait_until_clean(int fd, std::chrono::milliseconds timeout,
                                 std::chrono::milliseconds& waited) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  for (;;) {
    waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    mbe::PageCacheState state;
    if (const auto error = mbe::probe_page_cache(fd, 0, 0, state)) return error;
    if (state.dirty == 0 && state.writeback == 0) return {};  // on its way is not there yet
    if (waited >= timeout) return std::make_error_code(std::errc::timed_out);
    std::this_thread::sleep_for(std::min(std::chrono::milliseconds(20), timeout - waited));
  }
}
// [solution]

}  // namespace ex10
