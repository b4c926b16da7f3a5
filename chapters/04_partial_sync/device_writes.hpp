// Sectors written to the block device that holds a file, from
// /sys/dev/block/MAJOR:MINOR/stat (field 7: "write sectors", 512-byte units).
//
// The counter is device-wide: other processes' writes are counted too. So a
// difference is an *upper* bound on what one call wrote, and exact only on a
// quiet machine; take the minimum over repeated tries.
#pragma once

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cstdint>
#include <fstream>
#include <optional>
#include <string>

namespace ch04 {

inline std::optional<std::uint64_t> sectors_written(int fd) {
  struct stat status {};
  if (::fstat(fd, &status) != 0) return std::nullopt;
  const std::string path = "/sys/dev/block/" + std::to_string(major(status.st_dev)) + ":" +
                           std::to_string(minor(status.st_dev)) + "/stat";
  std::ifstream stat_file(path);
  std::uint64_t field = 0;
  for (int i = 0; i < 7 && stat_file >> field; ++i) {
  }
  if (!stat_file) return std::nullopt;  // no block device behind it (tmpfs, overlay, ...)
  return field;
}

inline constexpr std::uint64_t sector_bytes = 512;

}  // namespace ch04
