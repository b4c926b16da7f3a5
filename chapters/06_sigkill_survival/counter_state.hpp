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
/// The numbers come from a file: 1 + ... + counter is computed without
/// overflow (the even factor halved first), and a counter whose sum does not
/// fit in 64 bits is no state a writer made — a wrapped product could
/// otherwise match a torn total.
constexpr bool is_consistent(const CounterState& state) {
  const std::uint64_t n = state.counter;
  if (state.magic != counter_magic || n == UINT64_MAX) return false;
  std::uint64_t sum = 0;
  if (__builtin_mul_overflow(n % 2 == 0 ? n / 2 : n, n % 2 == 0 ? n + 1 : (n + 1) / 2, &sum))
    return false;
  return state.total == sum;
}

}  // namespace ch06
