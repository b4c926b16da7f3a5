// Wrong solution to exercise 04: a record's pages end at the page of its first byte.
// Kept so that CI proves the checks catch this classic mistake (ctest -L wrong).
// Caught by: the second page of a record that straddles two pages was left dirty
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include "exercise.hpp"

namespace ex04 {

SyncResult sync_changed_records(std::span<std::byte> mapping, std::size_t record_size,
                                std::span<const std::size_t> changed) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  SyncResult result;
  auto flush = [&](std::size_t first_page, std::size_t end_page) {  // pages [first, end)
    ++result.calls;
    if (::msync(mapping.data() + first_page * page, (end_page - first_page) * page, MS_SYNC) != 0 &&
        !result.error)
      result.error = {errno, std::system_category()};
  };
  std::size_t run_first = 0, run_end = 0;  // the current run of pages; empty at first
  for (const std::size_t index : changed) {
    const std::size_t first = index * record_size / page;
    const std::size_t end = first + 1;       // WRONG: a record can end on the next page
    if (run_end != 0 && first <= run_end) {  // touches or continues the run: extend it
      if (end > run_end) run_end = end;
      continue;
    }
    if (run_end != 0) flush(run_first, run_end);
    run_first = first;
    run_end = end;
  }
  if (run_end != 0) flush(run_first, run_end);
  return result;
}

}  // namespace ex04
