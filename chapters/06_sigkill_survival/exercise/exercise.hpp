// Chapter 06 exercise — a state update that a SIGKILL can never leave torn.
//
// Implement save and load in exercises/06_sigkill_survival/double_buffer.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <type_traits>

namespace ex06 {

// [contract]
struct Payload {
  std::uint64_t words[1024];  // 8 KiB: a kill mid-update is likely
};
struct Slot {
  std::uint64_t generation;  // 0 = empty or being written
  std::uint32_t crc;         // mbe::crc32c of the payload
  std::uint32_t reserved;
  Payload payload;
};
struct State {  // lives in a MAP_SHARED file, zero-filled at first
  Slot slots[2];
};

/// Stores @p payload as generation @p generation (1, 2, 3, ...), so that if
/// the process is killed at any instruction inside save(), load() returns
/// either this generation or the previous one — whole, never a mix.
void save(State& state, std::uint64_t generation, const Payload& payload);

/// The newest whole generation and its payload, or nullopt if there is none.
struct Saved {
  std::uint64_t generation;
  Payload payload;
};
std::optional<Saved> load(const State& state);
// [contract]
static_assert(std::is_trivially_copyable_v<State>);

}  // namespace ex06
