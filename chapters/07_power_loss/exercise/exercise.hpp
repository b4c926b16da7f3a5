// Chapter 07 exercise — the disk a power loss leaves when the disk's write cache is volatile.
//
// Implement disk_after_power_loss in exercises/07_power_loss/volatile_cache.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ex07 {

// [contract]
/// One request a computer sent to its disk, in the order the disk completed them.
struct DiskRequest {
  enum class Kind { write, flush };
  Kind kind = Kind::write;
  std::size_t offset = 0;  ///< write: first byte on the disk
  std::string data;        ///< write: the bytes written there
  bool fua = false;        ///< write: Forced Unit Access — on the medium when it completes
};

/// The disk a power loss leaves after @p requests, when the disk acknowledges
/// writes from a volatile cache: @p before, with the writes that reached the
/// medium applied in order — every write that completed before a flush, and
/// every FUA write. Writes after the last flush are lost even though they completed.
/// @throws std::out_of_range for a write that does not fit on the disk.
std::string disk_after_power_loss(const std::string& before,
                                  const std::vector<DiskRequest>& requests);
// [contract]

}  // namespace ex07
