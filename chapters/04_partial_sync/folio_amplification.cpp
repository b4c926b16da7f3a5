// folio_amplification — how much msync writes for a 1-byte store, depending on how the file was
// filled.
//
// Usage: ch04_folio_amplification DIR [--tries N]
//
// For each way of filling an 8 MiB file in DIR — 1 MiB write()s, 4 KiB
// write()s, stores through a mapping — it makes the file clean (fsync),
// stores ONE byte through a MAP_SHARED mapping, and reports how many pages
// that byte made dirty (cachestat) and how many bytes the device was sent
// by msync(MS_SYNC) (the device's sector counter; minimum of N tries, default 3).
// The page cache keeps large "folios" (up to 1 MiB here) for files written in
// large chunks, and a store through a mapping dirties the whole folio.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string_view>
#include <vector>

#include "msync/cli.hpp"
#include "msync/device_writes.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch04_folio_amplification DIR [--tries N]\n"
    "  Dirty pages and device bytes written by msync for a 1-byte store into an 8 MiB\n"
    "  file filled by 1 MiB write()s, 4 KiB write()s, or stores through a mapping.\n";
constexpr std::size_t file_size = std::size_t{8} << 20;
constexpr std::size_t store_offset = std::size_t{3} << 20;

// Fills a new file by write()s of `chunk` bytes, or through a mapping when chunk == 0.
void fill(const std::filesystem::path& path, std::size_t chunk) {
  if (chunk == 0) {
    auto file = mbe::MappedFile::create(path, file_size);
    for (std::size_t at = 0; at < file_size; at += mbe::page_size())
      file.bytes()[at] = std::byte{'m'};
    file.sync_or_throw(0, file_size);
    return;
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) mbe::throw_errno("open");
  const std::vector<char> buffer(chunk, 'w');
  // The failed call's own errno; a short write sets none (ENOSPC: no room for the rest).
  std::error_code error;
  const char* failed = nullptr;
  for (std::size_t at = 0; at < file_size && failed == nullptr; at += chunk) {
    const ssize_t written = ::pwrite(fd, buffer.data(), chunk, static_cast<off_t>(at));
    if (written != static_cast<ssize_t>(chunk)) {
      failed = "pwrite";
      error = written < 0 ? mbe::last_error() : std::make_error_code(std::errc::no_space_on_device);
    }
  }
  if (failed == nullptr && ::fsync(fd) != 0) {
    failed = "fsync";
    error = mbe::last_error();
  }
  ::close(fd);
  if (failed != nullptr) mbe::throw_error(failed, error);
}
}  // namespace

int main(int argc, char** argv) {
  mbe::report_file_size_limit_as_error();  // past RLIMIT_FSIZE: an EFBIG message, not SIGXFSZ
  const char* dir_name = nullptr;
  std::uint64_t tries = 3;
  if (auto exit_status = mbe::parse_command_line(argc, argv, usage, {&dir_name, 1},
                                                 {mbe::Option::number("--tries", tries, 1, 100)}))
    return *exit_status;
  const std::filesystem::path dir = dir_name;
  const struct {
    const char* name;
    std::size_t chunk;
  } fills[] = {
      {"1 MiB write()s", std::size_t{1} << 20}, {"4 KiB write()s", 4096}, {"mapped stores", 0}};
  std::printf("%-16s %18s %22s\n", "file filled by", "pages dirtied", "bytes msync wrote");
  try {
    for (const auto& way : fills) {
      const auto path = dir / "ch04_folio_amplification.tmp";
      mbe::remove_quietly(path);
      const mbe::RemovedAtScopeExit temporary(path);  // also after an error below
      fill(path, way.chunk);
      auto file = mbe::MappedFile::open(path);
      std::uint64_t dirtied = 0;
      std::uint64_t fewest_bytes = UINT64_MAX;
      // [store]
      for (std::uint64_t t = 0; t < tries; ++t) {
        file.bytes()[store_offset] = static_cast<std::byte>(t);  // ONE byte
        dirtied = mbe::page_cache_state(file.fd()).dirty;
        const auto before = mbe::sectors_written(file.fd());
        file.sync_or_throw(store_offset, 1);
        const auto after = mbe::sectors_written(file.fd());
        if (before && after)
          fewest_bytes = std::min(fewest_bytes, (*after - *before) * mbe::sector_bytes);
      }
      // [store]
      if (fewest_bytes == UINT64_MAX)
        std::printf("%-16s %18llu %22s\n", way.name, static_cast<unsigned long long>(dirtied),
                    "n/a (no block device)");
      else
        std::printf("%-16s %18llu %22llu\n", way.name, static_cast<unsigned long long>(dirtied),
                    static_cast<unsigned long long>(fewest_bytes));
    }
  } catch (const std::exception& error) {
    std::cerr << error.what() << '\n';
    return 1;
  }
  std::cout
      << "\nBytes written include the file system's own metadata, if any. Writing the same byte\n"
         "with pwrite() + fdatasync dirties only the blocks it touches.\n";
  return 0;
}
