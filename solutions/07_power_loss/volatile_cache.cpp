// Solution 07 — the disk a volatile-cache power loss leaves. Task:
// exercises/07_power_loss/README.md
#include <stdexcept>

#include "exercise.hpp"

namespace ex07 {

// [solution]
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
    if (i < last_flush || request.fua)
      disk.replace(request.offset, request.data.size(), request.data);
  }
  return disk;
}
// [solution]

}  // namespace ex07
