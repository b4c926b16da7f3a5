// Chapter 10 exercise — wait, without syncing, until the kernel has written a file back.
//
// Implement wait_until_clean in exercises/10_cost_and_writeback/wait_until_clean.cpp.
#pragma once

#include <chrono>
#include <system_error>

namespace ex10 {

// [contract]
/// Waits until no page of the file open as @p fd is dirty or under
/// writeback — the kernel's writeback has written everything — polling the
/// page cache (mbe::probe_page_cache in msync/page_cache.hpp) and never
/// writing anything itself. Gives up after @p timeout.
/// @param waited set to how long the call waited, whatever the outcome.
/// @return empty when the file is clean; std::errc::timed_out after
/// @p timeout; the probe's error (EBADF, ENOSYS, ...) if it fails.
std::error_code wait_until_clean(int fd, std::chrono::milliseconds timeout,
                                 std::chrono::milliseconds& waited);
// [contract]

}  // namespace ex10
