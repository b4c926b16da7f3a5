/// @file crc32c.hpp
/// @brief CRC-32C (Castagnoli): the checksum that tells a whole record or
/// state from a torn or corrupt one (chapters 05 to 07, the exercises).
///
/// Why CRC-32C: it detects every burst error of up to 32 bits and every
/// odd number of flipped bits, it is what ext4, btrfs and iSCSI use for their
/// metadata, and CPUs have an instruction for it. This one is a plain table
/// version, written here so the collection depends on no checksum library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace mbe {

/// @brief CRC-32C of @p bytes. Chain calls to checksum a message in pieces:
/// `crc32c(b, crc32c(a))` equals `crc32c(a + b)`.
std::uint32_t crc32c(std::span<const std::byte> bytes, std::uint32_t crc_so_far = 0) noexcept;

}  // namespace mbe
