// Wrong solution to exercise 03: MS_ASYNC, which returns with the pages dirty.
// Kept so that CI proves the checks catch this classic mistake (ctest -L wrong).
// Caught by: MS_ASYNC writes nothing on Linux
#include <sys/mman.h>

#include <cerrno>

#include "exercise.hpp"

namespace ex03 {

std::error_code commit_locked(std::span<std::byte> range) {
  // WRONG: writes nothing
  if (::msync(range.data(), range.size(), MS_ASYNC) != 0) return {errno, std::system_category()};
  return {};
}

}  // namespace ex03
