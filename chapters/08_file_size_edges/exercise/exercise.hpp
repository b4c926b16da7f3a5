// Chapter 08 exercise — grow a mapped file without ever risking SIGBUS.
//
// Implement grow_mapping in exercises/08_file_size_edges/grow_mapping.cpp.
#pragma once

#include <cstddef>
#include <system_error>

namespace ex08 {

// [contract]
/// A MAP_SHARED mapping of a whole file: where it starts and how long it is.
struct Mapping {
  std::byte* data = nullptr;
  std::size_t length = 0;
};

/// Grows the file open (read-write) as @p fd, and its mapping @p mapping,
/// from `mapping.length` to @p new_length bytes. The file grows first, with
/// its disk blocks reserved, so no store into the new bytes can meet a full
/// disk; the mapping grows second and may move. On success @p mapping holds
/// the new address and length, the old bytes are unchanged and the new ones
/// read as zero. On failure the error is returned and @p mapping is unchanged
/// and still usable. A @p new_length shorter than the mapping is EINVAL.
std::error_code grow_mapping(int fd, Mapping& mapping, std::size_t new_length);
// [contract]

}  // namespace ex08
