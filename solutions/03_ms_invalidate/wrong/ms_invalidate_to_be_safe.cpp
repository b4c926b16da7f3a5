// Wrong solution to exercise 03: MS_SYNC | MS_INVALIDATE "to be safe".
// Kept so that CI proves the checks catch this classic mistake (ctest -L wrong).
// Caught by: MS_INVALIDATE "to be safe" fails with EBUSY
#include <sys/mman.h>

#include <cerrno>

#include "exercise.hpp"

namespace ex03 {

std::error_code commit_locked(std::span<std::byte> range) {
  // WRONG: EBUSY when locked
  if (::msync(range.data(), range.size(), MS_SYNC | MS_INVALIDATE) != 0)
    return {errno, std::system_category()};
  return {};
}

}  // namespace ex03
