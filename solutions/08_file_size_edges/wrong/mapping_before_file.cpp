// Wrong solution to exercise 08: the mapping grows first, the file second.
// Kept so that CI proves the checks catch this classic mistake (ctest -L wrong).
// Caught by: the mapping grew (or moved) before the file
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include "exercise.hpp"

namespace ex08 {

std::error_code grow_mapping(int fd, Mapping& mapping, std::size_t new_length) {
  if (new_length < mapping.length) return std::make_error_code(std::errc::invalid_argument);
  // WRONG: the mapping first - for a moment it is longer than the file, and
  // stays so when the file then cannot grow.
  void* grown = ::mremap(mapping.data, mapping.length, new_length, MREMAP_MAYMOVE);
  if (grown == MAP_FAILED) return {errno, std::generic_category()};
  if (const int error = ::posix_fallocate(fd, 0, static_cast<off_t>(new_length)); error != 0)
    return {error, std::generic_category()};
  mapping = {static_cast<std::byte*>(grown), new_length};
  return {};
}

}  // namespace ex08
