// Exercise 09 — reference solution. Task: exercises/09_map_sync/README.md
#include <sys/mman.h>

#include <cerrno>

#include "exercise.hpp"

namespace ex09 {

// [solution]
std::error_code map_for_persistence(int fd, std::size_t length, PersistentMapping& mapping) {
  constexpr int protection = PROT_READ | PROT_WRITE;
  // MAP_SHARED_VALIDATE: a flag the filesystem cannot honour is an error,
  // not silently dropped (plain MAP_SHARED | MAP_SYNC "works" on tmpfs).
  void* data = ::mmap(nullptr, length, protection, MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0);
  bool needs_msync = false;
  if (data == MAP_FAILED && errno == EOPNOTSUPP) {  // no DAX: the page cache is in between
    data = ::mmap(nullptr, length, protection, MAP_SHARED, fd, 0);
    needs_msync = true;
  }
  if (data == MAP_FAILED) return {errno, std::generic_category()};
  mapping = {static_cast<std::byte*>(data), length, needs_msync};
  return {};
}
// [solution]

}  // namespace ex09
