// Chapter 07's filesystems by name, and the host tools that make and check each.
#include "lab_filesystems.hpp"

namespace ch07 {

std::string_view filesystem_name(Filesystem filesystem) noexcept {
  switch (filesystem) {
    case Filesystem::ext4_journal:
      return "ext4-journal";
    case Filesystem::ext4_nojournal:
      return "ext4-nojournal";
    case Filesystem::xfs:
      return "xfs";
    case Filesystem::btrfs:
      return "btrfs";
  }
  return "?";
}

std::optional<Filesystem> parse_filesystem(std::string_view name) noexcept {
  for (auto filesystem :
       {Filesystem::ext4_journal, Filesystem::ext4_nojournal, Filesystem::xfs, Filesystem::btrfs})
    if (name == filesystem_name(filesystem)) return filesystem;
  return std::nullopt;
}

FilesystemTools tools_of(Filesystem filesystem) {
  const std::string ext4_options = "lazy_itable_init=0,lazy_journal_init=0,nodiscard";
  switch (filesystem) {
    case Filesystem::ext4_journal:
      return {{"mkfs.ext4", "-q", "-F", "-E", ext4_options},
              32 << 20,
              {"e2fsck", "-f", "-n"},
              "e2fsprogs"};
    case Filesystem::ext4_nojournal:
      return {{"mkfs.ext4", "-q", "-F", "-O", "^has_journal", "-E", ext4_options},
              32 << 20,
              {"e2fsck", "-f", "-n"},
              "e2fsprogs"};
    case Filesystem::xfs:
      return {{"mkfs.xfs", "-q", "-f"}, 320 << 20, {"xfs_repair", "-n"}, "xfsprogs"};
    case Filesystem::btrfs:
      return {
          {"mkfs.btrfs", "-q", "-f"}, 128 << 20, {"btrfs", "check", "--readonly"}, "btrfs-progs"};
  }
  return {};
}

bool is_ext4(Filesystem filesystem) noexcept {
  return filesystem == Filesystem::ext4_journal || filesystem == Filesystem::ext4_nojournal;
}

}  // namespace ch07
