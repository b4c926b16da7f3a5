// Two ways to keep a large state (64 KiB) in a mapped file, and what a
// SIGKILL in the middle of an update does to each.
//
// Naive: one copy, updated in place. A kill mid-update leaves a mix of the
// old and the new generation, and a reader cannot tell.
//
// Checked: two slots, written alternately. Each has a commit marker (its
// generation, cleared before the slot is written and stored last with
// release) and a CRC-32C. A reader takes the newest slot that is committed
// and whose checksum matches, so an update cut short costs only itself.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>

namespace ch06 {

inline constexpr std::size_t state_words = 8192;  // 64 KiB of payload

// [layouts]
struct NaiveState {
  std::uint64_t magic;               // naive_magic
  std::uint64_t generation;          // the update that wrote the words...
  std::uint64_t words[state_words];  // ...each of which holds that generation
};

struct Slot {
  std::uint64_t generation;  // commit marker: 0 while being written, set last
  std::uint32_t crc;         // CRC-32C of generation and words
  std::uint32_t reserved;
  std::uint64_t words[state_words];
};
struct CheckedState {
  std::uint64_t magic;  // checked_magic
  std::uint64_t reserved;
  Slot slots[2];  // generation g lives in slot g % 2
};
// [layouts]
static_assert(std::is_trivially_copyable_v<NaiveState> &&
              std::is_trivially_copyable_v<CheckedState>);
inline constexpr std::uint64_t naive_magic = 0x3156'4941'4E42'4D4DULL;
inline constexpr std::uint64_t checked_magic = 0x314B'4843'4542'4D4DULL;

void write_naive(NaiveState& state, std::uint64_t generation);
void write_checked(CheckedState& state, std::uint64_t generation);

/// What a reader made of the file after the writer died.
struct ReadOutcome {
  bool accepted = false;         ///< the reader returned a state
  std::uint64_t generation = 0;  ///< the generation it returned
  bool torn = false;             ///< the returned words are not all of that generation
  std::string detail;            ///< how it decided, for people
};
ReadOutcome read_naive(const NaiveState& state);
ReadOutcome read_checked(const CheckedState& state);

}  // namespace ch06
