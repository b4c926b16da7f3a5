// Chapter 04 exercise — sync only the records that changed, in as few calls as possible.
//
// Implement sync_changed_records in exercises/04_partial_sync/sync_changed_records.cpp.
#pragma once

#include <cstddef>
#include <span>
#include <system_error>

namespace ex04 {

// [contract]
struct SyncResult {
  std::error_code error;  ///< the first error msync reported, or none
  std::size_t calls = 0;  ///< how many times msync was called
};

/// Makes durable the records whose indices are in @p changed (ascending, no
/// duplicates) of an array of @p record_size-byte records that starts at the
/// first byte of @p mapping (a whole, page-aligned mapping). Records need not
/// be page-aligned. Calls msync(MS_SYNC) once per run of adjacent pages, so
/// no page is written twice and no unchanged page is asked for.
SyncResult sync_changed_records(std::span<std::byte> mapping, std::size_t record_size,
                                std::span<const std::size_t> changed);
// [contract]

}  // namespace ex04
