// Chapter 01 exercise — commit any byte range of a mapping.
//
// Implement commit_range in exercises/01_ms_sync/commit_range.cpp.
#pragma once

#include <cstddef>
#include <span>
#include <system_error>

namespace ex01 {

// [contract]
/// Makes bytes [offset, offset + length) of @p mapping durable with
/// msync(MS_SYNC). @p mapping is a whole mapping: its first byte is
/// page-aligned; @p offset need not be. Returns the error msync reports, or
/// std::errc::invalid_argument (without calling msync) when the range does not
/// lie inside the mapping. An empty range succeeds.
std::error_code commit_range(std::span<std::byte> mapping, std::size_t offset, std::size_t length);
// [contract]

}  // namespace ex01
