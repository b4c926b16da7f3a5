// Exercise 01 — reference solution.
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include "exercise.hpp"

namespace ex01 {

// [solution]
std::error_code commit_range(std::span<std::byte> mapping, std::size_t offset, std::size_t length) {
  if (offset > mapping.size() ||
      length > mapping.size() - offset)  // no overflow: subtract, never add
    return std::make_error_code(std::errc::invalid_argument);
  if (length == 0) return {};
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t start = offset / page * page;  // round the start down to its page
  if (::msync(mapping.data() + start, offset + length - start, MS_SYNC) != 0)
    return {errno, std::system_category()};
  return {};
}
// [solution]

}  // namespace ex01
