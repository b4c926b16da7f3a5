// Wrong solution to exercise 08: mremap without MREMAP_MAYMOVE.
// Kept so that CI proves the checks catch this classic mistake (ctest -L wrong).
// Caught by: was not allowed to move (MREMAP_MAYMOVE)
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include "exercise.hpp"

namespace ex08 {

std::error_code grow_mapping(int fd, Mapping& mapping, std::size_t new_length) {
  if (new_length < mapping.length) return std::make_error_code(std::errc::invalid_argument);
  // The file first: every new byte gets a reserved block, so no store into
  // the mapping can fault on a full disk. (posix_fallocate returns its error.)
  if (const int error = ::posix_fallocate(fd, 0, static_cast<off_t>(new_length)); error != 0)
    return {error, std::generic_category()};
  // The mapping second: it may move, so the caller gets the new address.
  void* grown = ::mremap(mapping.data, mapping.length, new_length,
                         0);  // WRONG: ENOMEM when the next pages are taken
  if (grown == MAP_FAILED) return {errno, std::generic_category()};
  mapping = {static_cast<std::byte*>(grown), new_length};
  return {};
}

}  // namespace ex08
