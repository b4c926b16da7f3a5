// fuzz_record_scan — a libFuzzer target for the recovery scan: whatever bytes
// a crash, a bad disk or an attacker leaves in a record file, the scan must
// answer without crashing, reading out of bounds or hitting undefined
// behaviour (built with AddressSanitizer and UBSan).
//
// Build (CMake does it when clang's fuzzer runtime is installed):
//   clang++ -std=c++20 -fsanitize=fuzzer,address,undefined -I ../../common/include \
//     fuzz_record_scan.cpp record_format.cpp ../../common/src/crc32c.cpp
// Run: ch05_fuzz_record_scan [CORPUS_DIR] -max_total_time=10
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "record_format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A mapping is page-aligned; give the scan the same 8-byte alignment.
  std::vector<std::uint64_t> aligned((size + 7) / 8);
  if (size != 0) std::memcpy(aligned.data(), data, size);
  const auto file = std::as_bytes(std::span(aligned)).first(size);
  const auto report = ch05::scan_records(file, /*look_past_committed=*/true);
  // Whatever it found must be consistent with the bytes it was given.
  if (report.header_problem.empty()) {
    if (report.valid > report.committed || report.committed > report.capacity) __builtin_trap();
    if (ch05::file_size_for(report.capacity, report.record_size) > size) __builtin_trap();
  }
  return 0;
}
