// dirty_threshold — storing past the dirty thresholds, never calling msync.
//
// Usage: ch10_dirty_threshold FILE --pages P
//
// Creates FILE (it must not exist yet) of P pages, maps it and stores once
// into each page, as fast as it can, never calling msync, fsync or anything
// else that syncs. Below the thresholds every page stays dirty and nothing is
// written. Above the background threshold (vm.dirty_background_ratio or a
// device's own limit) the flusher writes at once, whatever the data's age;
// above the dirty limit the storing thread is put to sleep in
// balance_dirty_pages (mm/page-writeback.c), reached from the page fault of a
// store into a clean page — it shows as voluntary context switches of a
// program that makes no system call while storing. Prints
//
//   stored_pages= store_seconds= most_dirty_pages=   (the most dirty at a time)
//
// and what the stores cost (process_costs.hpp): device_bytes= device_flushes=
// (the device under FILE, device-wide: exact on a loop device made for one
// test) minor_faults= voluntary_switches= cpu_user_ms= cpu_system_ms=
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"
#include "process_costs.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch10_dirty_threshold FILE --pages P\n"
    "  Stores once into each of P pages of a new FILE, as fast as it can, without ever\n"
    "  syncing it, and prints the most pages dirty at a time and what was written\n"
    "  meanwhile: device bytes and flushes, faults, sleeps and CPU time.\n";

}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  std::uint64_t pages = 0;
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, {&path, 1}, {mbe::Option::number("--pages", pages, 1, 1 << 22)}))
    return *exit_status;
  if (pages == 0) {
    std::fprintf(stderr, "--pages is required\n%s", std::string(usage).c_str());
    return 2;
  }

  try {
    const std::size_t page = mbe::page_size();
    auto file = mbe::MappedFile::create(path, pages * page);
    const auto start = std::chrono::steady_clock::now();
    // [threshold]
    const auto before = ch10::read_costs(file.fd());
    std::uint64_t most_dirty = 0;
    for (std::uint64_t i = 0; i < pages; ++i) {
      file.bytes()[i * page] = std::byte{1};
      if (i % 256 == 255) most_dirty = std::max(most_dirty, mbe::page_cache_state(file.fd()).dirty);
    }
    most_dirty = std::max(most_dirty, mbe::page_cache_state(file.fd()).dirty);
    const auto after = ch10::read_costs(file.fd());
    // [threshold]
    const std::chrono::duration<double> store_time = std::chrono::steady_clock::now() - start;
    std::printf("stored_pages=%llu store_seconds=%.2f most_dirty_pages=%llu\n",
                static_cast<unsigned long long>(pages), store_time.count(),
                static_cast<unsigned long long>(most_dirty));
    ch10::print_costs(before, after);
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 1;
  }
}
