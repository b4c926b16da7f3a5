// Chapter 03 exercise — commit a range whose pages are locked in RAM.
//
// Implement commit_locked in exercises/03_ms_invalidate/commit_locked.cpp.
#pragma once

#include <cstddef>
#include <span>
#include <system_error>

namespace ex03 {

// [contract]
/// Makes @p range (page-aligned, part of a MAP_SHARED mapping, possibly
/// mlock'ed) durable and returns msync's error, if any. It must also work
/// when the pages are locked with mlock().
std::error_code commit_locked(std::span<std::byte> range);
// [contract]

}  // namespace ex03
