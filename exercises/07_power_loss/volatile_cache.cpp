// Exercise 07 — your code. Task: exercises/07_power_loss/README.md
#include <stdexcept>

#include "exercise.hpp"

namespace ex07 {

std::string disk_after_power_loss([[maybe_unused]] const std::string& before,
                                  [[maybe_unused]] const std::vector<DiskRequest>& requests) {
  // TODO 1: find the position of the last flush in requests.
  // TODO 2: copy before, then apply in order each write that comes before that
  //         flush, or is FUA; refuse (std::out_of_range) a write that does not fit.
  throw std::logic_error("TODO: disk_after_power_loss is not written yet");
}

}  // namespace ex07
