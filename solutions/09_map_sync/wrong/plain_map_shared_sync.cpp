// Wrong solution to exercise 09: MAP_SYNC asked with plain MAP_SHARED.
// Kept so that CI proves the checks catch this classic mistake (ctest -L wrong).
// Caught by: MAP_SYNC was asked with plain MAP_SHARED
#include <sys/mman.h>

#include <cerrno>

#include "exercise.hpp"

namespace ex09 {

std::error_code map_for_persistence(int fd, std::size_t length, PersistentMapping& mapping) {
  constexpr int protection = PROT_READ | PROT_WRITE;
  // MAP_SHARED_VALIDATE: a flag the filesystem cannot honour is an error,
  // not silently dropped (plain MAP_SHARED | MAP_SYNC "works" on tmpfs).
  void* data = ::mmap(nullptr, length, protection, MAP_SHARED | MAP_SYNC, fd,
                      0);  // WRONG: ignored where unsupported
  bool needs_msync = false;
  if (data == MAP_FAILED && errno == EOPNOTSUPP) {  // no DAX: the page cache is in between
    data = ::mmap(nullptr, length, protection, MAP_SHARED, fd, 0);
    needs_msync = true;
  }
  if (data == MAP_FAILED) return {errno, std::generic_category()};
  mapping = {static_cast<std::byte*>(data), length, needs_msync};
  return {};
}

}  // namespace ex09
