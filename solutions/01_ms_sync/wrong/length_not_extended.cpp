// Wrong solution to exercise 01: the start is rounded down but the length is kept.
// Kept so that CI proves the checks catch this classic mistake (ctest -L wrong).
// Caught by: the start was rounded down but the length was not extended
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
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t start = offset / page * page;  // round the start down to its page
  // WRONG: the rounding moved the end back
  if (::msync(mapping.data() + start, length, MS_SYNC) != 0) return {errno, std::system_category()};
  return {};
}

}  // namespace ex01
