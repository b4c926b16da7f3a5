// The state of chapter 06's seed question: a fixed-size struct in a
// MAP_SHARED file, updated in place, never msync'ed.
#pragma once

#include <cstdint>
#include <type_traits>

namespace ch06 {

// [state]
struct CounterState {
  std::uint64_t magic;    // counter_magic
  std::uint64_t counter;  // number of completed updates
  std::uint64_t total;    // 1 + 2 + ... + counter: a second field that must agree
};
inline constexpr std::uint64_t counter_magic = 0x3130'5441'5453'424D;  // "MBSTAT01" in the file
// [state]
static_assert(std::is_trivially_copyable_v<CounterState> && sizeof(CounterState) == 24);

/// True when @p state is one that a sequence of whole updates can produce.
constexpr bool is_consistent(const CounterState& state) {
  return state.magic == counter_magic && state.total == state.counter * (state.counter + 1) / 2;
}

}  // namespace ch06
