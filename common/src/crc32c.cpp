// CRC-32C, table-driven, reflected polynomial 0x82F63B78 (Castagnoli).
#include "msync/crc32c.hpp"

#include <array>

namespace mbe {
namespace {
constexpr std::uint32_t reflected_polynomial = 0x82F6'3B78;

constexpr std::array<std::uint32_t, 256> make_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t byte = 0; byte < 256; ++byte) {
    std::uint32_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1U) != 0 ? reflected_polynomial : 0U);
    table[byte] = crc;
  }
  return table;
}
constexpr auto table = make_table();
}  // namespace

std::uint32_t crc32c(std::span<const std::byte> bytes, std::uint32_t crc_so_far) noexcept {
  std::uint32_t crc = ~crc_so_far;  // the pre- and post-inversion make chaining work
  for (const std::byte byte : bytes)
    crc = (crc >> 8) ^ table[(crc ^ std::to_integer<std::uint32_t>(byte)) & 0xFFU];
  return ~crc;
}

}  // namespace mbe
