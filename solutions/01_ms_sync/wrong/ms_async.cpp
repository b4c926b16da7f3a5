// Wrong solution to exercise 01: MS_ASYNC, which writes nothing on Linux.
// Kept so that CI proves the checks catch this classic mistake (ctest -L wrong).
// Caught by: msync without MS_SYNC writes nothing
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
  // WRONG: starts no I/O
  if (::msync(mapping.data() + start, offset + length - start, MS_ASYNC) != 0)
    return {errno, std::system_category()};
  return {};
}

}  // namespace ex01
