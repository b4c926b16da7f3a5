// Chapter 09 exercise — ask for MAP_SYNC, and fall back honestly.
//
// Implement map_for_persistence in exercises/09_map_sync/map_for_persistence.cpp.
#pragma once

#include <cstddef>
#include <system_error>

namespace ex09 {

// [contract]
/// A read-write shared mapping of a file, and what makes its stores durable.
struct PersistentMapping {
  std::byte* data = nullptr;
  std::size_t length = 0;
  /// True when stores are durable only after msync(MS_SYNC) (or fsync);
  /// false when the kernel granted MAP_SYNC (DAX: flushing the CPU caches
  /// is enough, no system call needed).
  bool needs_msync = true;
};

/// Maps the first @p length bytes of the file open read-write as @p fd,
/// shared: with MAP_SYNC when the filesystem supports it — asked so that an
/// unsupported MAP_SYNC is refused, never silently ignored — and otherwise a
/// plain shared mapping marked needs_msync. Any other failure is returned as
/// it is (EINVAL for length 0, EACCES for a read-only descriptor, ...), with
/// @p mapping unchanged.
std::error_code map_for_persistence(int fd, std::size_t length, PersistentMapping& mapping);
// [contract]

}  // namespace ex09
