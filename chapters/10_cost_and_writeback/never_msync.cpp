// never_msync — what never calling msync costs while a program keeps storing.
//
// Usage: ch10_never_msync FILE [--seconds N] [--every-us U]
//        ch10_never_msync FILE --once --pages P
//
// Creates FILE (it must not exist yet), maps it and never calls msync, fsync
// or anything else that syncs. It counts what the kernel did meanwhile:
//
//   writebacks      times the kernel's writeback cleaned the page (cachestat)
//   first_writeback_s   seconds from the first store to the first of them
//   device_bytes    bytes the device under FILE was sent, and
//   device_flushes  cache flushes it was sent — device-wide: on a shared disk
//                   other programs' I/O counts too (exact on a loop device
//                   made for one test)
//   first_store_faults  page faults of the first store (1: the page comes
//                   into the cache — a major fault, not a minor one)
//   store_faults    page faults of every later store: each writeback re-arms
//                   one write-protect fault for the next store, so this
//                   counts the writebacks too, even one the cachestat check
//                   missed (one between the check and the next store)
//   minor_faults    page faults of the whole process (a sanitizer adds its own)
//   cpu_user_ms, cpu_system_ms   this process's CPU time
//
// Default: one page (a small struct), stored into every U µs (default 1000)
// for N seconds (default 40): the kernel writes it about once per expiry
// interval (vm.dirty_expire_centisecs), whatever the number of stores.
//
// --once --pages P: stores once into each of P pages, as fast as it can — the
// case where dirty data passes the dirty thresholds. Above the background
// threshold the flusher writes at once, whatever the data's age; above the
// dirty limit the storing thread is put to sleep in balance_dirty_pages (it
// shows as voluntary context switches of a program that makes no system call
// while storing). Prints how much was written during the stores and the most
// pages that were dirty at a time.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string_view>
#include <thread>

#include "msync/cli.hpp"
#include "msync/device_writes.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch10_never_msync FILE [--seconds N] [--every-us U]\n"
    "       ch10_never_msync FILE --once --pages P\n"
    "  Stores into a new FILE without ever syncing it and prints what the kernel\n"
    "  wrote meanwhile: writebacks, device bytes and flushes, faults and CPU time.\n";

using Clock = std::chrono::steady_clock;

struct Counters {
  std::uint64_t sectors = 0, flushes = 0;
  rusage usage{};
};

Counters counters(int fd) {
  Counters now;
  now.sectors = mbe::sectors_written(fd).value_or(0);
  now.flushes = mbe::flushes_sent(fd).value_or(0);
  ::getrusage(RUSAGE_SELF, &now.usage);
  return now;
}

long long milliseconds(const timeval& time) {
  return time.tv_sec * 1000LL + time.tv_usec / 1000;
}

void print_costs(const Counters& before, const Counters& after) {
  std::printf(
      "device_bytes=%llu device_flushes=%llu minor_faults=%ld voluntary_switches=%ld "
      "cpu_user_ms=%lld cpu_system_ms=%lld\n",
      static_cast<unsigned long long>(after.sectors - before.sectors) * mbe::sector_bytes,
      static_cast<unsigned long long>(after.flushes - before.flushes),
      after.usage.ru_minflt - before.usage.ru_minflt, after.usage.ru_nvcsw - before.usage.ru_nvcsw,
      milliseconds(after.usage.ru_utime) - milliseconds(before.usage.ru_utime),
      milliseconds(after.usage.ru_stime) - milliseconds(before.usage.ru_stime));
}

}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  std::uint64_t seconds = 40;
  std::uint64_t every_us = 1000;
  std::uint64_t pages = 1;
  bool once = false;
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, {&path, 1},
          {mbe::Option::number("--seconds", seconds, 1, 3600),
           mbe::Option::number("--every-us", every_us, 1, 1'000'000),
           mbe::Option::number("--pages", pages, 1, 1 << 22), mbe::Option::toggle("--once", once)}))
    return *exit_status;

  try {
    const std::size_t page = mbe::page_size();
    auto file = mbe::MappedFile::create(path, (once ? pages : 1) * page);
    const auto start = Clock::now();
    const auto elapsed = [&] {
      return std::chrono::duration<double>(Clock::now() - start).count();
    };

    if (once) {
      // [threshold]
      const auto before = counters(file.fd());
      std::uint64_t most_dirty = 0;
      for (std::uint64_t i = 0; i < pages; ++i) {
        file.bytes()[i * page] = std::byte{1};
        if (i % 256 == 255)
          most_dirty = std::max(most_dirty, mbe::page_cache_state(file.fd()).dirty);
      }
      most_dirty = std::max(most_dirty, mbe::page_cache_state(file.fd()).dirty);
      const auto after = counters(file.fd());
      // [threshold]
      std::printf("stored_pages=%llu store_seconds=%.2f most_dirty_pages=%llu\n",
                  static_cast<unsigned long long>(pages), elapsed(),
                  static_cast<unsigned long long>(most_dirty));
      print_costs(before, after);
      return 0;
    }

    // [nonstop]
    const auto before = counters(file.fd());
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
    const auto after = counters(file.fd());
    // [nonstop]
    std::printf(
        "seconds=%llu stores=%llu writebacks=%d first_writeback_s=%.1f first_store_faults=%ld "
        "store_faults=%ld\n",
        static_cast<unsigned long long>(seconds), static_cast<unsigned long long>(stores),
        writebacks, first_writeback_s, first_store_faults, store_faults);
    print_costs(before, after);
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 1;
  }
}
