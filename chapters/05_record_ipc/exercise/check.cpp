// Checks of the chapter 05 exercise (see chapters/00_page_cache/exercise/check.cpp for how they run).
// The first check runs a producer and a consumer thread on one Log: under the
// tsan preset, ThreadSanitizer reports a data race if the ordering is wrong.
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <span>
#include <thread>

#include "exercise.hpp"
#include "msync/crc32c.hpp"
#include "testing.hpp"

TEST_CASE("a consumer thread sees every published entry whole") {
  MBE_HINT("std::atomic_ref(log.committed): store with memory_order_release, load with memory_order_acquire");
  auto log = std::make_unique<ex05::Log>();
  std::uint32_t seen = 0, wrong = 0;
  std::atomic<bool> producer_done{false};  // a stop signal if publish() throws
  std::atomic<bool> consumer_threw{false};
  std::thread consumer([&] {
    try {
      while (seen < 256 && !producer_done.load()) {
        const auto count = ex05::published_count(*log);
        for (; seen < count; ++seen)
          if (log->entries[seen].value != seen * 7 + 1) ++wrong;
      }
    } catch (...) {
      consumer_threw = true;  // an exception must not escape a thread: that aborts the program
    }
  });
  try {
    for (std::uint64_t i = 0; i < 256; ++i) ex05::publish(*log, i * 7 + 1);
  } catch (...) {
    producer_done = true;
    consumer.join();
    throw;
  }
  consumer.join();
  CHECK_FALSE(consumer_threw.load());
  CHECK(seen == 256);
  CHECK(wrong == 0);
  CHECK(log->committed == 256);
}

TEST_CASE("published entries carry their checksum") {
  MBE_HINT("crc = mbe::crc32c(std::as_bytes(std::span(&value, 1)))");
  auto log = std::make_unique<ex05::Log>();
  ex05::publish(*log, 42);
  const std::uint64_t value = 42;
  CHECK(log->entries[0].crc == mbe::crc32c(std::as_bytes(std::span(&value, 1))));
  CHECK(ex05::published_count(*log) == 1);
}

TEST_CASE("recovery stops at the first bad entry and never passes the count") {
  MBE_HINT("count valid entries from the first while the checksum matches, at most `committed` of them");
  auto log = std::make_unique<ex05::Log>();
  for (std::uint64_t i = 0; i < 10; ++i) ex05::publish(*log, i);
  CHECK(ex05::recover(*log) == 10);
  log->entries[6].value ^= 1;  // a torn or corrupt entry
  CHECK(ex05::recover(*log) == 6);
  log->entries[6].value ^= 1;
  log->committed = 4;  // entries past the count do not count, even when valid
  CHECK(ex05::recover(*log) == 4);
  log->committed = 1000;  // a corrupt count must not take the scan out of the array
  CHECK(ex05::recover(*log) == 10);
}
