// Wrong solution to exercise 07: every completed write is taken as durable.
// Kept so that CI proves the checks catch this classic mistake (ctest -L wrong).
// Caught by: completed writes without any flush were called durable
#include <stdexcept>

#include "exercise.hpp"

namespace ex07 {

std::string disk_after_power_loss(const std::string& before,
                                  const std::vector<DiskRequest>& requests) {
  std::string disk = before;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const DiskRequest& request = requests[i];
    if (request.kind != DiskRequest::Kind::write) continue;
    if (request.offset > disk.size() || request.data.size() > disk.size() - request.offset)
      throw std::out_of_range("write past the end of the disk");
    // WRONG: every completed write applied - the disk acknowledged it from a volatile cache
    disk.replace(request.offset, request.data.size(), request.data);
  }
  return disk;
}

}  // namespace ex07
