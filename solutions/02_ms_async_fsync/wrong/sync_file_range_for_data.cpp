// Wrong solution to exercise 02: sync_file_range is taken for the file's data on disk.
// Kept so that CI proves the checks catch this classic mistake (ctest -L wrong).
// Caught by: sync_file_range was chosen for the file's data on disk
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include "exercise.hpp"

namespace ex02 {

Call cheapest_call_for(Need need) {
  switch (need) {
    case Need::visible_to_other_processes:
      return Call::nothing;  // the page cache is shared already
    case Need::mapped_range_on_disk:
      return Call::msync_ms_sync;  // only the range, and it waits
    case Need::file_data_on_disk:
      return Call::sync_file_range;  // WRONG: waits for nothing, flushes no cache
    case Need::data_and_timestamps_on_disk:
      return Call::fsync;  // everything the inode has
  }
  return Call::fsync;  // not reached: the safe answer
}

std::error_code provide(Need need, int fd, std::span<std::byte> range) {
  int result = 0;
  switch (cheapest_call_for(need)) {
    case Call::nothing:
      break;
    case Call::msync_ms_sync:
      result = ::msync(range.data(), range.size(), MS_SYNC);
      break;
    case Call::fdatasync:
      result = ::fdatasync(fd);
      break;
    case Call::fsync:
      result = ::fsync(fd);
      break;
    case Call::msync_ms_async:   // MS_ASYNC starts no I/O on Linux: never a guarantee
    case Call::sync_file_range:  // starts writeback, waits for nothing, flushes no cache
      return std::make_error_code(std::errc::operation_not_supported);
  }
  return result == 0 ? std::error_code{} : std::error_code{errno, std::system_category()};
}

}  // namespace ex02
