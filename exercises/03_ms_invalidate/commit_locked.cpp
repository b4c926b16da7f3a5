// Exercise 03 — your code. Task: exercises/03_ms_invalidate/README.md
#include <sys/mman.h>

#include <stdexcept>

#include "exercise.hpp"

namespace ex03 {

std::error_code commit_locked([[maybe_unused]] std::span<std::byte> range) {
  // TODO: one msync call. Which flags? (Many tutorials add MS_INVALIDATE "to be safe".)
  throw std::logic_error("TODO: commit_locked is not written yet");
}

}  // namespace ex03
