// Wrong solution to exercise 05: the count is stored and loaded with memory_order_relaxed.
// Kept so that CI proves the checks catch this classic mistake (ctest -L wrong).
// Caught only under ThreadSanitizer: on x86-64 the hardware keeps these stores in order anyway.
// Caught by: ThreadSanitizer saw a data race on the log
#include <atomic>
#include <span>

#include "exercise.hpp"
#include "msync/crc32c.hpp"

namespace ex05 {
namespace {
std::uint32_t checksum(std::uint64_t value) {
  return mbe::crc32c(std::as_bytes(std::span(&value, 1)));
}
}  // namespace

void publish(Log& log, std::uint64_t value) {
  const std::uint32_t index = log.committed;  // only the producer writes it: a plain read is fine
  log.entries[index] = Entry{value, checksum(value), 0};
  // Release: the entry's bytes become visible no later than the new count.
  std::atomic_ref(log.committed)
      .store(index + 1, std::memory_order_relaxed);  // WRONG: publishes nothing
}

std::uint32_t published_count(const Log& log) {
  // Acquire: pairs with the release store, so the entries below the count are complete.
  return std::atomic_ref(const_cast<std::uint32_t&>(log.committed))
      .load(std::memory_order_relaxed);  // WRONG: synchronises with nothing
}

std::uint32_t recover(const Log& log) {
  const std::uint32_t committed = published_count(log);
  const std::uint32_t limit =
      committed < 256 ? committed : 256;  // a corrupt count cannot take us out of the array
  std::uint32_t valid = 0;
  while (valid < limit && log.entries[valid].crc == checksum(log.entries[valid].value)) ++valid;
  return valid;
}

}  // namespace ex05
