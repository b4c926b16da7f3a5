// Exercise 08 — reference solution. Task: exercises/08_file_size_edges/README.md
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include "exercise.hpp"

namespace ex08 {

// [solution]
std::error_code grow_mapping(int fd, Mapping& mapping, std::size_t new_length) {
  if (new_length < mapping.length) return std::make_error_code(std::errc::invalid_argument);
  // The file first: every new byte gets a reserved block, so no store into
  // the mapping can fault on a full disk. (posix_fallocate returns its error.)
  if (const int error = ::posix_fallocate(fd, 0, static_cast<off_t>(new_length)); error != 0)
    return {error, std::generic_category()};
  // The mapping second: it may move, so the caller gets the new address.
  void* grown = ::mremap(mapping.data, mapping.length, new_length, MREMAP_MAYMOVE);
  if (grown == MAP_FAILED) return {errno, std::generic_category()};
  mapping = {static_cast<std::byte*>(grown), new_length};
  return {};
}
// [solution]

}  // namespace ex08
