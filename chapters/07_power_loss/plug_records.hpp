// The records chapter 07's writer stores and the lab checks after a power
// loss (fixed 64-byte slots, record n in slot n-1, each one self-checking),
// and the writer's modes: how it makes each record durable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>

namespace ch07 {

// [record]
struct PlugRecord {
  std::uint32_t marker;      // record_marker: the slot was written
  std::uint32_t checksum;    // CRC-32C of every byte after this field
  std::uint64_t sequence;    // n, counting from 1
  std::uint64_t payload[6];  // derived from n: a torn or misplaced record fails the check
};
inline constexpr std::uint32_t record_marker = 0x47554C50;  // "PLUG" in the file
// [record]
static_assert(std::is_trivially_copyable_v<PlugRecord> && sizeof(PlugRecord) == 64);

/// How the writer makes each record durable before it acknowledges it
/// (ch07_plug_writer --mode; the same names on the guest's kernel command line).
enum class WriterMode {
  none,             ///< nothing: the record is in the page cache only
  ms_async,         ///< msync(MS_ASYNC) of the record's page — on Linux a no-op
  ms_sync,          ///< msync(MS_SYNC) of the record's page
  fsync,            ///< fsync of the file
  fdatasync,        ///< fdatasync of the file: its data and only the metadata needed to read it
  sync_file_range,  ///< sync_file_range(WAIT_BEFORE|WRITE|WAIT_AFTER): no metadata, no cache flush
  unmount,          ///< nothing per record; unmap, close and umount after the last one
};
/// The mode's name on the command line: "none", "ms_async", ..., "unmount".
std::string_view mode_name(WriterMode mode) noexcept;
/// The mode named @p name, or nullopt for a name that is none of them.
std::optional<WriterMode> parse_mode(std::string_view name) noexcept;
/// Every name, for a usage message: "none, ms_async, ms_sync, fsync, fdatasync, sync_file_range, unmount".
inline constexpr std::string_view mode_names =
    "none, ms_async, ms_sync, fsync, fdatasync, sync_file_range, unmount";

/// The record with sequence number @p sequence (>= 1), checksum included.
PlugRecord make_record(std::uint64_t sequence) noexcept;

/// True when @p slot holds exactly make_record(@p sequence).
bool holds_record(const PlugRecord& slot, std::uint64_t sequence) noexcept;

/// What a file read back after a power loss holds of records 1..acknowledged.
struct Survivors {
  std::uint64_t acknowledged = 0;    ///< records the writer said were durable
  std::uint64_t survived = 0;        ///< of those, intact in the file
  std::uint64_t first_lost = 0;      ///< lowest acknowledged record missing (0: none)
  std::uint64_t unacknowledged = 0;  ///< intact records past the last acknowledgement
};

/// Checks @p file (the bytes of the writer's file) against @p acknowledged.
/// A file shorter than the acknowledged records counts them as lost.
Survivors count_survivors(std::span<const std::byte> file, std::uint64_t acknowledged) noexcept;

}  // namespace ch07
