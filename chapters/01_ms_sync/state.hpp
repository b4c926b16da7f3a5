// The program state of chapter 01: a fixed-size struct in a well-known file.
//
// The layout is the file format: only fixed-width fields, no pointers, and a
// magic number and version first so a reader can refuse a file that is not
// ours (or is from a newer program) instead of misreading it.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

namespace ch01 {

// [state]
struct AppState {
  std::uint32_t magic;    // state_magic: "is this our file?"
  std::uint32_t version;  // state_version: "can we read it?"
  std::uint64_t counter;  // the state itself
  std::uint64_t commits;  // how many commits produced it
  char note[48];          // NUL-terminated text
};
inline constexpr std::uint32_t state_magic = 0x4D42'4531;  // "1EBM" in memory
inline constexpr std::uint32_t state_version = 1;
static_assert(std::is_trivially_copyable_v<AppState> && sizeof(AppState) == 72);
// [state]

// Why @p bytes (the whole file) cannot be read as an AppState; "" if it can.
inline std::string why_not_a_state(const void* bytes, std::size_t size) {
  if (size < sizeof(AppState))
    return "file is too short: " + std::to_string(size) + " bytes, a state needs " +
           std::to_string(sizeof(AppState));
  AppState header{};
  std::memcpy(&header, bytes, sizeof header);
  if (header.magic != state_magic) return "not a state file (wrong magic number)";
  if (header.version != state_version)
    return "unsupported state version " + std::to_string(header.version) + " (expected " +
           std::to_string(state_version) + ")";
  if (std::memchr(header.note, '\0', sizeof header.note) == nullptr)
    return "corrupt state: the note is not terminated";
  return "";
}

}  // namespace ch01
