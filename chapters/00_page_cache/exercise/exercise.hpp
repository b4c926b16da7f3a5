// Chapter 00 exercise — is this range of the file only in RAM?
//
// Implement both functions in exercises/00_page_cache/durable_range.cpp.
// The checks are in check.cpp next to this file.
#pragma once

#include <cstdint>

namespace ex00 {

// [contract]
/// Pages of [offset, offset + length) of the file @p fd that are dirty: changed
/// in the page cache and not yet written to the disk. length 0 means "to the
/// end of the file". Returns -1 when the kernel cannot tell (errno is set).
std::int64_t count_dirty_pages(int fd, std::uint64_t offset, std::uint64_t length);

/// True when no page of the range is dirty or under writeback: every cached
/// byte of it equals what is on the disk. False when it cannot be told.
bool range_is_durable(int fd, std::uint64_t offset, std::uint64_t length);
// [contract]

}  // namespace ex00
