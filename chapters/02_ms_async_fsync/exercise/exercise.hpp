// Chapter 02 exercise — the cheapest call that gives a guarantee.
//
// Implement both functions in exercises/02_ms_async_fsync/choose_call.cpp.
#pragma once

#include <cstddef>
#include <span>
#include <system_error>

namespace ex02 {

// [contract]
/// What the program needs after storing into a MAP_SHARED mapping.
enum class Need {
  visible_to_other_processes,   ///< readers of the file (mapping or read()) see the stores
  mapped_range_on_disk,         ///< the stored range survives a power loss
  file_data_on_disk,            ///< all the file's data survives a power loss
  data_and_timestamps_on_disk,  ///< ...and its metadata too, modification time included
};

/// The calls to choose from.
enum class Call { nothing, msync_ms_async, msync_ms_sync, fdatasync, fsync, sync_file_range };

/// The cheapest call that gives @p need on Linux — one that does no more I/O than needed.
Call cheapest_call_for(Need need);

/// Gives @p need for the file @p fd whose stores are in @p range (a
/// page-aligned part of a mapping of it), by making the call chosen above.
std::error_code provide(Need need, int fd, std::span<std::byte> range);
// [contract]

}  // namespace ex02
