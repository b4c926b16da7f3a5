// Exercise 01 — your code. Task: exercises/01_ms_sync/README.md
#include <sys/mman.h>
#include <unistd.h>

#include <stdexcept>

#include "exercise.hpp"

namespace ex01 {

std::error_code commit_range([[maybe_unused]] std::span<std::byte> mapping,
                             [[maybe_unused]] std::size_t offset,
                             [[maybe_unused]] std::size_t length) {
  // TODO 1: refuse a range that is not inside the mapping (watch out for overflow).
  // TODO 2: msync needs a page-aligned start address: sysconf(_SC_PAGESIZE).
  // TODO 3: call msync(..., MS_SYNC) and turn a failure into a std::error_code.
  throw std::logic_error("TODO: commit_range is not written yet");
}

}  // namespace ex01
