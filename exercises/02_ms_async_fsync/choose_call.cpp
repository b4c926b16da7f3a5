// Exercise 02 — your code. Task: exercises/02_ms_async_fsync/README.md
#include <sys/mman.h>
#include <unistd.h>

#include <stdexcept>

#include "exercise.hpp"

namespace ex02 {

Call cheapest_call_for([[maybe_unused]] Need need) {
  // TODO: one case per Need. Which calls wait for the disk? Which write metadata?
  throw std::logic_error("TODO: cheapest_call_for is not written yet");
}

std::error_code provide([[maybe_unused]] Need need, [[maybe_unused]] int fd,
                        [[maybe_unused]] std::span<std::byte> range) {
  // TODO: make the call that cheapest_call_for(need) names; report errno as a std::error_code.
  throw std::logic_error("TODO: provide is not written yet");
}

}  // namespace ex02
