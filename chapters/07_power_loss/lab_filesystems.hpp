// Chapter 07's filesystems: the four the lab pulls the plug on, and for each
// the tools that make it (mkfs on a sparse image of a fitting size) and check
// it (read-only) on the host, and the Debian package that has them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ch07 {

/// The filesystem on the guest's disk.
enum class Filesystem {
  ext4_journal,    ///< ext4 as mkfs.ext4 makes it (with its journal); e2fsck checks it
  ext4_nojournal,  ///< ext4 without a journal (mkfs.ext4 -O ^has_journal)
  xfs,             ///< xfs (a sparse 320 MiB image: mkfs.xfs wants 300 MB); xfs_repair -n checks it
  btrfs,           ///< btrfs (a sparse 128 MiB image); btrfs check --readonly checks it
};
/// The filesystem's name on the command line: "ext4-journal", "ext4-nojournal", "xfs", "btrfs".
std::string_view filesystem_name(Filesystem filesystem) noexcept;
std::optional<Filesystem> parse_filesystem(std::string_view name) noexcept;

/// How the host makes and checks one filesystem.
struct FilesystemTools {
  std::vector<std::string> mkfs;   ///< mkfs and its options; the image path goes last
  std::uintmax_t bytes = 0;        ///< the image's size (sparse)
  std::vector<std::string> check;  ///< the read-only checker; 0 = it found nothing
  const char* package = "";        ///< the Debian package with both
};
FilesystemTools tools_of(Filesystem filesystem);

/// ext4, with or without its journal: recovered on the host (e2fsck, debugfs).
bool is_ext4(Filesystem filesystem) noexcept;

}  // namespace ch07
