// The naive and the checked update of a 64 KiB state, and their readers.
#include "torn_state.hpp"

#include <atomic>
#include <span>

#include "msync/crc32c.hpp"

namespace ch06 {
namespace {
std::uint32_t slot_checksum(std::uint64_t generation, const std::uint64_t (&words)[state_words]) {
  const auto head = mbe::crc32c(std::as_bytes(std::span(&generation, 1)));
  return mbe::crc32c(std::as_bytes(std::span(words)), head);
}

// The truth, which no reader in production has: are all words of one generation?
bool all_words_are(const std::uint64_t (&words)[state_words], std::uint64_t generation) {
  for (const auto word : words)
    if (word != generation) return false;
  return true;
}
}  // namespace

// [naive]
void write_naive(NaiveState& state, std::uint64_t generation) {
  state.generation = generation;
  for (auto& word : state.words) std::atomic_ref(word).store(generation, std::memory_order_relaxed);
}
// [naive]

// [checked]
void write_checked(CheckedState& state, std::uint64_t generation) {
  Slot& slot = state.slots[generation % 2];  // the older slot: the newer one stays intact
  std::atomic_ref(slot.generation).store(0, std::memory_order_relaxed);  // uncommit it...
  std::atomic_signal_fence(std::memory_order_release);  // ...before any word changes
  for (auto& word : slot.words) std::atomic_ref(word).store(generation, std::memory_order_relaxed);
  slot.crc = slot_checksum(generation, slot.words);
  std::atomic_ref(slot.generation).store(generation, std::memory_order_release);  // commit: last
}
// [checked]

ReadOutcome read_naive(const NaiveState& state) {
  ReadOutcome outcome;
  outcome.accepted = state.magic == naive_magic;  // all a naive reader can check
  outcome.generation = state.generation;
  outcome.torn = outcome.accepted && !all_words_are(state.words, state.generation);
  outcome.detail = outcome.accepted ? "magic ok" : "wrong magic number";
  return outcome;
}

// [read_checked]
ReadOutcome read_checked(const CheckedState& state) {
  ReadOutcome outcome;
  if (state.magic != checked_magic) {
    outcome.detail = "wrong magic number";
    return outcome;
  }
  for (std::size_t index = 0; index < 2; ++index) {
    const Slot& slot = state.slots[index];
    const auto generation = std::atomic_ref(const_cast<std::uint64_t&>(slot.generation))
                                .load(std::memory_order_acquire);
    std::string verdict;
    if (generation == 0)
      verdict = "not committed";
    else if (generation % 2 != index)
      verdict = "generation in the wrong slot";
    else if (slot.crc != slot_checksum(generation, slot.words))
      verdict = "checksum mismatch";
    else
      verdict = "ok";
    outcome.detail += (index == 0 ? "" : "; ") + ("slot " + std::to_string(index) + ": ") +
                      (generation != 0 ? "generation " + std::to_string(generation) + " " : "") +
                      verdict;
    if (verdict == "ok" && generation > outcome.generation) {
      outcome.accepted = true;
      outcome.generation = generation;
      outcome.torn = !all_words_are(slot.words, generation);
    }
  }
  return outcome;
}
// [read_checked]

}  // namespace ch06
