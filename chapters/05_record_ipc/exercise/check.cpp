// Checks of the chapter 05 exercise (see chapters/00_page_cache/exercise/check.cpp for how they
// run). The first check runs a producer and a consumer thread on one Log: under ThreadSanitizer
// (exercises/check 05 --tsan, or the tsan presets) a missing release/acquire pair is a data race,
// and the check fails naming it. The second stops publish() after each of its stores, for every
// store, and looks at the log as a reader would see it then.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/mman.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <span>
#include <thread>

#include "exercise.hpp"
#include "exercise_check.hpp"
#include "msync/crc32c.hpp"
#include "msync/mapped_file.hpp"
#include "store_by_store.hpp"

namespace {
std::uint32_t checksum(std::uint64_t value) {
  return mbe::crc32c(std::as_bytes(std::span(&value, 1)));
}
}  // namespace

TEST_CASE("a consumer thread sees every published entry whole") {
  MBE_HINTS("the consumer must see an entry's bytes no later than the count that covers it",
            "std::atomic_ref(log.committed) makes the plain field atomic for one operation",
            "which memory order makes a store publish the writes before it - and which load pairs "
            "with it?");
  auto log = std::make_unique<ex05::Log>();
  std::uint32_t seen = 0, wrong = 0;
  std::atomic<bool> producer_done{false};  // a stop signal if publish() throws
  std::atomic<bool> consumer_threw{false};
  const int races_before = mbe::testing::data_races_reported();
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
  MBE_CATCHES(wrong == 0,
              "the consumer read entries that were not filled yet - publication is not ordered");
  MBE_CATCHES(mbe::testing::data_races_reported() == races_before,
              "ThreadSanitizer saw a data race on the log: nothing orders the entry's bytes before "
              "the count "
              "the consumer reads (the count's memory order, or where it is stored)");
  CHECK(log->committed == 256);
}

TEST_CASE("a reader stopped after any store of publish sees only whole entries") {
  MBE_HINTS(
      "stop the producer between any two of its stores: every entry below the count must be "
      "complete",
      "order the stores: the whole entry first, the count last");
  if (!mbe::testing::can_step_stores()) MBE_SKIP("store-by-store stepping needs x86-64");
  mbe::testing::PageRegion region(sizeof(ex05::Log));
  auto& log = region.object<ex05::Log>();
  for (std::uint64_t i = 0; i < 3; ++i)
    ex05::publish(log, i * 7 + 1);  // a log with entries already
  static char complaint[256];
  const auto stepped = mbe::testing::inspect_after_every_store(
      region.bytes(), [&] { ex05::publish(log, 3 * 7 + 1); },
      [&]() -> const char* {
        const auto count = ex05::published_count(log);
        for (std::uint32_t i = 0; i < count && i < 256; ++i)
          if (log.entries[i].value != i * 7 + 1 || log.entries[i].crc != checksum(i * 7 + 1)) {
            std::snprintf(
                complaint, sizeof complaint,
                "the count said %u while entry %u was not filled yet: the count was published "
                "before its entry",
                count, i);
            return complaint;
          }
        return nullptr;
      });
  INFO("stores publish() made: " << stepped.stores);
  REQUIRE_MESSAGE(stepped.trouble.empty(), stepped.trouble);
  MBE_CATCHES(stepped.wrong_after == 0,
              "after store " << stepped.wrong_after << ": " << stepped.complaint);
  CHECK(ex05::published_count(log) == 3);  // the parent's copy: publish ran in a child
}

TEST_CASE("published entries carry their checksum") {
  MBE_HINTS("each entry's crc is mbe::crc32c of the 8 bytes of its value",
            "std::as_bytes(std::span(&value, 1)) gives those 8 bytes");
  auto log = std::make_unique<ex05::Log>();
  ex05::publish(*log, 42);
  MBE_CATCHES(log->entries[0].crc == checksum(42),
              "the entry's checksum is missing or computed over other bytes");
  CHECK(ex05::published_count(*log) == 1);
}

TEST_CASE("recovery stops at the first bad entry and never passes the count") {
  MBE_HINTS(
      "count valid entries from the first while the checksum matches",
      "never more than `committed` of them - and `committed` itself may be garbage after a crash",
      "the array has 256 entries whatever the count says");
  // The log ends where the mapping does: a read past entries[255] meets an
  // unmapped page and dies of SIGSEGV, whatever the memory after it holds.
  const auto page = mbe::page_size();
  mbe::testing::PageRegion region(3 * page);
  REQUIRE(::mprotect(region.bytes().data() + 2 * page, page, PROT_NONE) == 0);
  auto& log = *new (region.bytes().data() + 2 * page - sizeof(ex05::Log)) ex05::Log{};
  for (std::uint64_t i = 0; i < 10; ++i) ex05::publish(log, i);
  CHECK(ex05::recover(log) == 10);
  log.entries[6].value ^= 1;  // a torn or corrupt entry
  MBE_CATCHES(ex05::recover(log) == 6, "recover counted entries past a bad checksum");
  log.entries[6].value ^= 1;
  log.committed = 4;  // entries past the count do not count, even when valid
  MBE_CATCHES(ex05::recover(log) == 4, "recover counted valid entries past the committed count");
  for (std::uint64_t i = 10; i < 256; ++i) log.entries[i] = ex05::Entry{i, checksum(i), 0};
  log.committed = 1000;  // a corrupt count must not take the scan out of the array
  // A wrong count exits 2; exit 1 is a sanitizer's report (ASan's and UBSan's
  // exit code), which clang's UBSan makes at the first index past the array.
  constexpr int wrong_count = 2;
  const auto child = mbe::testing::run_in_child([&] {
    ::signal(SIGSEGV, SIG_DFL);  // die of it, without doctest's report from the child
    return ex05::recover(log) == 256 ? 0 : wrong_count;
  });
  const bool stayed_in_array = child.signal == 0 && !child.exited_with(1);
  MBE_CATCHES(stayed_in_array, "recover read past the 256 entries (signal "
                                   << child.signal << ", exit " << child.exit_code
                                   << "): a corrupt count was not clamped to the array");
  CHECK(child.exited_with(0));
}
