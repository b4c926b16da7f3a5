/// @file device_writes.hpp
/// @brief What the block device under a file has been sent so far — bytes
/// written and cache flushes: the way to see what a sync call really cost
/// (chapters 04, 08 and 10).
///
/// The counters come from `/sys/dev/block/MAJOR:MINOR/stat` of the device
/// that holds the file. On most filesystems that is the file's `st_dev`; on
/// btrfs `st_dev` is an anonymous device of the subvolume, so the device is
/// found through the file's mount (`mnt_id` in `/proc/self/fdinfo`) and that
/// mount's source in `/proc/self/mountinfo` (its first device).
///
/// The counters are device-wide: other processes' I/O counts too. A
/// difference around one call is therefore an *upper* bound on what that call
/// caused — exact only on a quiet device, such as a loop device made for one
/// test; elsewhere take the minimum over repeated tries.
#pragma once

#include <cstdint>
#include <optional>

namespace mbe {

/// @brief Bytes per sector in the block-layer counters (always 512).
inline constexpr std::uint64_t sector_bytes = 512;

/// @brief Field @p field (1-based) of the stat file of the block device that
/// holds the file open as @p fd, or nothing when no block device is behind it
/// (tmpfs, overlayfs, ...) or the field is missing.
std::optional<std::uint64_t> device_stat_field(int fd, int field);

/// @brief Sectors written so far by the device under @p fd: field 7
/// ("write sectors").
std::optional<std::uint64_t> sectors_written(int fd);

/// @brief Cache flushes (`REQ_PREFLUSH` requests) sent so far to the device
/// under @p fd: field 16 ("flush I/Os"). A flush is what makes a disk's
/// volatile cache durable; which sync calls send one differs between
/// filesystems (chapter 10).
std::optional<std::uint64_t> flushes_sent(int fd);

}  // namespace mbe
