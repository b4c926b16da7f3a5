// Exercise 06 — reference solution.
#include <atomic>
#include <span>

#include "exercise.hpp"
#include "msync/crc32c.hpp"

namespace ex06 {
namespace {
std::uint32_t checksum(const Payload& payload) {
  return mbe::crc32c(std::as_bytes(std::span(payload.words)));
}
std::uint64_t generation_of(const Slot& slot) {
  return std::atomic_ref(const_cast<std::uint64_t&>(slot.generation))
      .load(std::memory_order_acquire);
}
}  // namespace

// [solution]
void save(State& state, std::uint64_t generation, const Payload& payload) {
  // The older slot (or an empty one): the newest stays intact while we write.
  Slot& slot = generation_of(state.slots[0]) <= generation_of(state.slots[1]) ? state.slots[0]
                                                                              : state.slots[1];
  std::atomic_ref(slot.generation).store(0, std::memory_order_relaxed);
  std::atomic_signal_fence(
      std::memory_order_release);  // "empty" before the first payload byte changes
  slot.payload = payload;
  slot.crc = checksum(payload);
  std::atomic_ref(slot.generation)
      .store(generation, std::memory_order_release);  // the commit, last
}

std::optional<Saved> load(const State& state) {
  std::optional<Saved> newest;
  for (const Slot& slot : state.slots) {
    const auto generation = generation_of(slot);
    if (generation == 0 || slot.crc != checksum(slot.payload)) continue;  // empty, torn or corrupt
    if (!newest || generation > newest->generation) newest = Saved{generation, slot.payload};
  }
  return newest;
}
// [solution]

}  // namespace ex06
