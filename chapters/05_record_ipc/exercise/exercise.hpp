// Chapter 05 exercise — publish, consume and recover a small log in shared memory.
//
// Implement the three functions in exercises/05_record_ipc/log_protocol.cpp.
#pragma once

#include <cstdint>
#include <type_traits>

namespace ex05 {

// [contract]
struct Entry {
  std::uint64_t value;
  std::uint32_t crc;       // mbe::crc32c of the 8 bytes of value
  std::uint32_t reserved;  // 0
};
struct Log {                // lives in a MAP_SHARED mapping
  std::uint32_t committed;  // entries published so far
  std::uint32_t reserved;
  Entry entries[256];
};

/// Appends @p value as entry number `committed` and publishes it, so that a
/// reader that sees the new count also sees the whole entry. The log has room.
void publish(Log& log, std::uint64_t value);

/// How many entries a reader may read now: all of them are complete.
std::uint32_t published_count(const Log& log);

/// The recovery scan: the number of entries, from the first, that are valid
/// (checksum matches), stopping at the first bad one and never counting past
/// the committed count.
std::uint32_t recover(const Log& log);
// [contract]
static_assert(std::is_trivially_copyable_v<Log>);

}  // namespace ex05
