// The write log qemu's blklogwrites driver keeps (the dm-log-writes format of
// Linux): every write and every flush the guest sent to its disk, in order.
// Replaying it only up to the last flush gives the disk a power loss leaves
// when the disk's write cache is volatile — the strict model of chapter 07.
#pragma once

#include <cstdint>
#include <filesystem>

namespace ch07 {

// [format]
// Sector 0 of the log: all fields little-endian.
struct WriteLogSuper {
  std::uint64_t magic;        // write_log_magic
  std::uint64_t version;      // 1
  std::uint64_t entries;      // entries logged when the superblock was last written
  std::uint32_t sector_size;  // unit of every position and length in the log
};
// Then one entry per sector, each followed by its data (nr_sectors sectors)
// unless it is a discard. A flush has no data.
struct WriteLogEntry {
  std::uint64_t sector;      // where on the disk, in sector_size units
  std::uint64_t nr_sectors;  // how much
  std::uint64_t flags;       // write_log_* flags below
  std::uint64_t data_len;    // unused by qemu (0)
};
inline constexpr std::uint64_t write_log_magic = 0x6a736677736872;
inline constexpr std::uint64_t write_log_flush = 1 << 0;    // the disk's cache was flushed
inline constexpr std::uint64_t write_log_fua = 1 << 1;      // this write bypassed the cache
inline constexpr std::uint64_t write_log_discard = 1 << 2;  // sectors released, no data
inline constexpr std::uint64_t write_log_mark = 1 << 3;     // a user's marker, no data
// [format]
static_assert(sizeof(WriteLogEntry) == 32);

/// What replay_to_last_flush() did.
struct ReplaySummary {
  std::uint64_t entries = 0;          ///< entries the superblock counts
  std::uint64_t flushes = 0;          ///< flush entries among them
  std::uint64_t writes_replayed = 0;  ///< writes applied: before the last flush, or FUA
  std::uint64_t writes_dropped = 0;  ///< writes after the last flush (counted or not): in the cache
};

/// Applies to @p image (a copy of the disk as it was before the guest booted)
/// every write of @p log that a volatile disk cache cannot have lost: those
/// before the last flush, and FUA writes, and says what it did.
/// @throws mbe::Error naming the log (code `std::errc::bad_message`) when it is
/// malformed or truncated or writes past the end of @p image — @p image is then
/// untouched: every entry is checked before the first write — or naming the
/// failed call (`pwrite IMAGE: ENOSPC (...)`); only an I/O error while writing
/// @p image leaves it partly replayed. @p log and @p image must be regular
/// files (a FIFO is refused).
ReplaySummary replay_to_last_flush(const std::filesystem::path& log,
                                   const std::filesystem::path& image);

}  // namespace ch07
