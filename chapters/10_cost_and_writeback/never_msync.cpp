// never_msync — what never calling msync costs while a program keeps storing.
//
// Usage: ch10_never_msync FILE [--seconds N] [--every-us U]
//
// Creates FILE (it must not exist yet), maps one page of it (a small struct)
// and stores into it every U µs (default 1000) for N seconds (default 40),
// never calling msync, fsync or anything else that syncs: the kernel writes
// it about once per expiry interval (vm.dirty_expire_centisecs), whatever
// the number of stores. It counts what the kernel did meanwhile:
//
//   writebacks      times the kernel's writeback cleaned the page (cachestat)
//   first_writeback_s   seconds from the first store to the first of them
//   first_store_faults  page faults of the first store (1: the page comes
//                   into the cache — a major fault, not a minor one)
//   store_faults    page faults of every later store: each writeback re-arms
//                   one write-protect fault for the next store, so this
//                   counts the writebacks too, even one the cachestat check
//                   missed (one between the check and the next store)
//
// and what it cost (process_costs.hpp): device_bytes and device_flushes (the
// device under FILE; device-wide: exact on a loop device made for one test),
// minor_faults (a sanitizer adds its own), voluntary_switches, cpu_user_ms
// and cpu_system_ms. Storing into many pages at once, past the dirty
// thresholds, is ch10_dirty_threshold's case.
#include <sys/resource.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string_view>
#include <thread>

#include "msync/cli.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"
#include "process_costs.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch10_never_msync FILE [--seconds N] [--every-us U]\n"
    "  Stores into one page of a new FILE every U µs for N seconds without ever syncing\n"
    "  it and prints what the kernel wrote meanwhile: writebacks, device bytes and\n"
    "  flushes, faults and CPU time.\n";

using Clock = std::chrono::steady_clock;

}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  std::uint64_t seconds = 40;
  std::uint64_t every_us = 1000;
  if (auto exit_status =
          mbe::parse_command_line(argc, argv, usage, {&path, 1},
                                  {mbe::Option::number("--seconds", seconds, 1, 3600),
                                   mbe::Option::number("--every-us", every_us, 1, 1'000'000)}))
    return *exit_status;

  try {
    const std::size_t page = mbe::page_size();
    auto file = mbe::MappedFile::create(path, page);
    const auto start = Clock::now();
    const auto elapsed = [&] {
      return std::chrono::duration<double>(Clock::now() - start).count();
    };

    // [nonstop]
    const auto before = ch10::read_costs(file.fd());
    std::uint64_t stores = 0;
    long first_store_faults = 0;  // taken by the store itself, nothing else in between
    long store_faults = 0;
    int writebacks = 0;
    double first_writeback_s = 0;
    bool dirty = false;
    while (elapsed() < static_cast<double>(seconds)) {
      rusage before_store{};
      rusage after_store{};
      ::getrusage(RUSAGE_SELF, &before_store);
      auto& word = file.bytes()[0];
      word = static_cast<std::byte>(static_cast<unsigned char>(word) + 1);
      ::getrusage(RUSAGE_SELF, &after_store);
      const long faults = after_store.ru_minflt - before_store.ru_minflt + after_store.ru_majflt -
                          before_store.ru_majflt;
      if (stores == 0) {
        first_store_faults = faults;
      } else {
        store_faults += faults;
      }
      ++stores;
      std::this_thread::sleep_for(std::chrono::microseconds(every_us));
      // Writeback clears the dirty flag when it starts; the next store sets it again.
      const bool dirty_now = mbe::page_cache_state(file.fd(), 0, page).dirty > 0;
      if (dirty && !dirty_now) {
        ++writebacks;
        if (writebacks == 1) first_writeback_s = elapsed();
      }
      dirty = dirty_now;
    }
    const auto after = ch10::read_costs(file.fd());
    // [nonstop]
    std::printf(
        "seconds=%llu stores=%llu writebacks=%d first_writeback_s=%.1f first_store_faults=%ld "
        "store_faults=%ld\n",
        static_cast<unsigned long long>(seconds), static_cast<unsigned long long>(stores),
        writebacks, first_writeback_s, first_store_faults, store_faults);
    ch10::print_costs(before, after);
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 1;
  }
}
