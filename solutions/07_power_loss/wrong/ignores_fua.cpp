// Wrong solution to exercise 07: a FUA write after the last flush is dropped.
// Kept so that CI proves the checks catch this classic mistake (ctest -L wrong).
// Caught by: a FUA write after the last flush was lost
#include <stdexcept>

#include "exercise.hpp"

namespace ex07 {

std::string disk_after_power_loss(const std::string& before,
                                  const std::vector<DiskRequest>& requests) {
  std::size_t last_flush = 0;  // requests[0, last_flush) reached the medium
  for (std::size_t i = 0; i < requests.size(); ++i)
    if (requests[i].kind == DiskRequest::Kind::flush) last_flush = i;

  std::string disk = before;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const DiskRequest& request = requests[i];
    if (request.kind != DiskRequest::Kind::write) continue;
    if (request.offset > disk.size() || request.data.size() > disk.size() - request.offset)
      throw std::out_of_range("write past the end of the disk");
    // WRONG: FUA writes bypass the cache
    if (i < last_flush) disk.replace(request.offset, request.data.size(), request.data);
  }
  return disk;
}

}  // namespace ex07
