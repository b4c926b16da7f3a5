// fuzz_write_log — a libFuzzer target for the write-log replay: whatever bytes
// a pulled plug, a bad disk or an attacker leaves in a blklogwrites log, the
// replay must answer without crashing, reading out of bounds, overflowing an
// offset or hitting undefined behaviour (built with AddressSanitizer and
// UBSan) — and when it refuses a log, the image must be untouched.
//
// Build (CMake does it when clang's fuzzer runtime is installed):
//   clang++ -std=c++20 -fsanitize=fuzzer,address,undefined -I ../../common/include \
//     fuzz_write_log.cpp write_log.cpp ../../common/src/{errors,files,mapped_file}.cpp
// Run: ch07_fuzz_write_log [CORPUS_DIR] -max_total_time=10
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "msync/errors.hpp"
#include "write_log.hpp"

namespace {

constexpr std::size_t image_size = 64 * 512;  // a disk of 64 sectors of 512 bytes

// The log and the image live in memfds (regular files, no disk I/O), opened by
// the replay through /proc/self/fd like any other path.
int new_memfd(const char* name) {
  const int fd = ::memfd_create(name, MFD_CLOEXEC);
  if (fd < 0) __builtin_trap();
  return fd;
}

void replace_contents(int fd, const void* data, std::size_t size) {
  if (::ftruncate(fd, 0) != 0) __builtin_trap();
  if (size != 0 && ::pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) __builtin_trap();
}

std::string contents(int fd) {
  std::string bytes(image_size + 1, '\0');  // one more: a grown image shows
  const ssize_t got = ::pread(fd, bytes.data(), bytes.size(), 0);
  if (got < 0) __builtin_trap();
  bytes.resize(static_cast<std::size_t>(got));
  return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const int log_fd = new_memfd("log");
  static const int image_fd = new_memfd("image");
  static const std::string blank(image_size, '.');
  replace_contents(log_fd, data, size);
  replace_contents(image_fd, blank.data(), blank.size());

  const std::string log = "/proc/self/fd/" + std::to_string(log_fd);
  const std::string disk = "/proc/self/fd/" + std::to_string(image_fd);
  bool refused = false;
  ch07::ReplaySummary summary;
  try {
    summary = ch07::replay_to_last_flush(log, disk);
  } catch (const mbe::Error& error) {
    refused = true;
    if (std::string_view(error.what()).empty()) __builtin_trap();  // refused: says why
  }
  const std::string image = contents(image_fd);
  if (image.size() != image_size) __builtin_trap();  // never written past the disk's end
  if (refused && image != blank) __builtin_trap();   // refused: untouched
  if (!refused && summary.flushes > summary.entries) __builtin_trap();
  return 0;
}
