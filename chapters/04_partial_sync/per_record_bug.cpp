// per_record_bug — the classic per-record msync, its errors counted, and the fix.
//
// Usage: ch04_per_record_bug FILE [--records N] [--record-size S]
//
// Creates FILE holding N records of S bytes (defaults: 4096 records of 60
// bytes; FILE must not exist yet). It "commits" every record the way many
// tutorials do — msync(&rec[i], sizeof rec[i], MS_SYNC) — and counts how many
// calls fail; then again with the start rounded down to its page. With
// 60-byte records only records whose offset is a multiple of 4096 (every
// 1024th) start on a page boundary: all the others fail with EINVAL. A
// program that ignores msync's result never notices its commits did nothing.
#include <sys/mman.h>

#include <cerrno>
#include <cstdint>
#include <iostream>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/mapped_file.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch04_per_record_bug FILE [--records N] [--record-size S]\n"
    "  Counts failing per-record msync calls (4096 records of 60 bytes by default),\n"
    "  then repeats them with the start rounded down to its page.\n";
}

int main(int argc, char** argv) {
  const char* path = nullptr;
  std::uint64_t records = 4096;
  std::uint64_t record_size = 60;
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, {&path, 1},
          {mbe::Option::number("--records", records, 1, 1'000'000),
           mbe::Option::number("--record-size", record_size, 1, 1'000'000)}))
    return *exit_status;
  try {
    auto file = mbe::MappedFile::create(path, records * record_size);
    std::byte* base = file.bytes().data();
    std::uint64_t failed = 0;
    int first_errno = 0;
    // [bug]
    for (std::uint64_t i = 0; i < records; ++i) {
      std::byte* record = base + i * record_size;
      record[0] = std::byte{1};                          // "update" record i
      if (::msync(record, record_size, MS_SYNC) != 0) {  // the classic per-record commit
        ++failed;
        if (first_errno == 0) first_errno = errno;
      }
    }
    // [bug]
    std::cout << "per-record msync(&rec[i], " << record_size << ", MS_SYNC): " << failed << " of "
              << records << " calls failed";
    if (failed > 0) std::cout << " with " << mbe::errno_text(first_errno);
    std::cout << '\n';

    std::uint64_t failed_after_fix = 0;
    // [fix]
    for (std::uint64_t i = 0; i < records; ++i) {
      const std::size_t offset = i * record_size;
      base[offset] = std::byte{2};
      const mbe::ByteRange range = mbe::page_rounded(offset, record_size, mbe::page_size());
      if (::msync(base + range.offset, range.length, MS_SYNC) != 0) ++failed_after_fix;
    }
    // [fix]
    std::cout << "with the start rounded down to its page: " << failed_after_fix << " of "
              << records << " calls failed\n";
    return failed_after_fix == 0 ? 0 : 1;
  } catch (const std::exception& error) {
    std::cerr << error.what() << '\n';
    return 1;
  }
}
