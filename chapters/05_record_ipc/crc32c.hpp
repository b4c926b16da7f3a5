// CRC-32C (Castagnoli), the checksum of chapter 05's records.
//
// Why CRC-32C: it detects every error of up to 3 bits in a 64 KiB block and
// every burst of up to 32 bits, it is what ext4, btrfs and iSCSI use for their
// metadata, and CPUs have an instruction for it. This one is a plain table
// version, written here so the collection depends on no checksum library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ch05 {

/// CRC-32C of @p bytes. Chain calls to checksum a message in pieces:
/// `crc32c(b, crc32c(a))` equals `crc32c(a + b)`.
std::uint32_t crc32c(std::span<const std::byte> bytes, std::uint32_t crc_so_far = 0) noexcept;

}  // namespace ch05
