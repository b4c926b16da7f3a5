/// @file device_writes.hpp
/// @brief How many bytes the block device under a file has written so far:
/// the way to see what a sync call really cost (chapters 04, 08 and 10).
#pragma once

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cstdint>
#include <fstream>
#include <optional>
#include <string>

namespace mbe {

/// @brief Bytes per sector in the block-layer counters (always 512).
inline constexpr std::uint64_t sector_bytes = 512;

/// @brief Sectors written so far by the block device that holds the file
/// open as @p fd: field 7 ("write sectors") of
/// `/sys/dev/block/MAJOR:MINOR/stat`.
///
/// The counter is device-wide: other processes' writes count too. A
/// difference around one call is therefore an *upper* bound on what that call
/// wrote — exact only on a quiet device, such as a loop device made for one
/// test; elsewhere take the minimum over repeated tries.
/// @return the count, or nothing when no block device is behind the file
/// (tmpfs, overlayfs, ...).
inline std::optional<std::uint64_t> sectors_written(int fd) {
  struct stat status {};
  if (::fstat(fd, &status) != 0) return std::nullopt;
  const std::string path = "/sys/dev/block/" + std::to_string(major(status.st_dev)) + ":" +
                           std::to_string(minor(status.st_dev)) + "/stat";
  std::ifstream stat_file(path);
  std::uint64_t field = 0;
  for (int i = 0; i < 7 && stat_file >> field; ++i) {
  }
  if (!stat_file) return std::nullopt;
  return field;
}

}  // namespace mbe
