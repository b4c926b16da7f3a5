// Exercise 08 — your code. Task: exercises/08_file_size_edges/README.md
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <stdexcept>

#include "exercise.hpp"

namespace ex08 {

std::error_code grow_mapping([[maybe_unused]] int fd, [[maybe_unused]] Mapping& mapping,
                             [[maybe_unused]] std::size_t new_length) {
  // TODO 1: refuse a new_length shorter than the mapping (EINVAL).
  // TODO 2: grow the file to new_length with its blocks reserved.
  // TODO 3: grow the mapping (it may move); update mapping only on success.
  throw std::logic_error("TODO: grow_mapping is not written yet");
}

}  // namespace ex08
