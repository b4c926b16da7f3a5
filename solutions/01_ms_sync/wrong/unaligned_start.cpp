// Wrong solution to exercise 01: msync on the range's own address, not rounded down to its page.
// Kept so that CI proves the checks catch this classic mistake (ctest -L wrong).
// Caught by: msync was called with a start address that is not page-aligned
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include "exercise.hpp"

namespace ex01 {

std::error_code commit_range(std::span<std::byte> mapping, std::size_t offset, std::size_t length) {
  if (offset > mapping.size() ||
      length > mapping.size() - offset)  // no overflow: subtract, never add
    return std::make_error_code(std::errc::invalid_argument);
  if (length == 0) return {};
  if (::msync(mapping.data() + offset, length, MS_SYNC) !=
      0)  // WRONG: EINVAL unless offset starts a page
    return {errno, std::system_category()};
  return {};
}

}  // namespace ex01
