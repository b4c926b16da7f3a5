// CRC-32C, reflected polynomial 0x82F63B78 (Castagnoli): the SSE4.2 crc32
// instruction, 8 bytes at a time, where the CPU has it (about 10x faster than
// the table for a 64-byte record: chapter 05's record_cost measures it);
// otherwise table-driven, a byte at a time. Both give the same values.
#include "msync/crc32c.hpp"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace mbe {
namespace {
constexpr std::uint32_t reflected_polynomial = 0x82F6'3B78;

constexpr std::array<std::uint32_t, 256> make_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t byte = 0; byte < 256; ++byte) {
    std::uint32_t crc = byte;
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc >> 1) ^ ((crc & 1U) != 0 ? reflected_polynomial : 0U);
    table[byte] = crc;
  }
  return table;
}
constexpr auto table = make_table();

std::uint32_t update_by_table(std::span<const std::byte> bytes, std::uint32_t crc) noexcept {
  for (const std::byte byte : bytes)
    crc = (crc >> 8) ^ table[(crc ^ std::to_integer<std::uint32_t>(byte)) & 0xFFU];
  return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) std::uint32_t update_by_instruction(
    std::span<const std::byte> bytes, std::uint32_t crc) noexcept {
  std::uint64_t wide = crc;
  std::size_t at = 0;
  for (; at + 8 <= bytes.size(); at += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes.data() + at, 8);
    wide = _mm_crc32_u64(wide, word);
  }
  auto narrow = static_cast<std::uint32_t>(wide);
  for (; at < bytes.size(); ++at)
    narrow = _mm_crc32_u8(narrow, std::to_integer<unsigned char>(bytes[at]));
  return narrow;
}
bool cpu_has_crc_instruction() noexcept {
  __builtin_cpu_init();  // needed when the first call comes from a static initialiser
  return __builtin_cpu_supports("sse4.2");  // int for g++, bool for clang
}
#endif
}  // namespace

std::uint32_t crc32c(std::span<const std::byte> bytes, std::uint32_t crc_so_far) noexcept {
  const std::uint32_t crc = ~crc_so_far;  // the pre- and post-inversion make chaining work
#if defined(__x86_64__)
  static const bool has_crc_instruction = cpu_has_crc_instruction();
  if (has_crc_instruction) return ~update_by_instruction(bytes, crc);
#endif
  return ~update_by_table(bytes, crc);
}

}  // namespace mbe
