// Wrong solution to exercise 04: the tutorial's msync(&rec[i], sizeof rec[i], MS_SYNC).
// Kept so that CI proves the checks catch this classic mistake (ctest -L wrong).
// Caught by: with a record that does not start a page: EINVAL
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include "exercise.hpp"

namespace ex04 {

SyncResult sync_changed_records(std::span<std::byte> mapping, std::size_t record_size,
                                std::span<const std::size_t> changed) {
  SyncResult result;
  for (const std::size_t index :
       changed) {  // WRONG: EINVAL for every record that does not start a page
    ++result.calls;
    if (::msync(mapping.data() + index * record_size, record_size, MS_SYNC) != 0 && !result.error)
      result.error = {errno, std::system_category()};
  }
  return result;
}

}  // namespace ex04
