#include "filesystem.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/vfs.h>

#include <cstdio>
#include <iostream>
#include <system_error>

namespace mbe::testing {
namespace {

constexpr long ext4_magic = 0xEF53;  // ext2, ext3 and ext4 share it
constexpr long xfs_magic = 0x58465342;
constexpr long btrfs_magic = 0x9123683E;
constexpr long tmpfs_magic = 0x01021994;

// "vda", "loop3": the block device's name, as /proc/fs/ext4 and jbd2 use it.
std::string block_device_name(dev_t device) {
  const std::filesystem::path link =
      "/sys/dev/block/" + std::to_string(major(device)) + ":" + std::to_string(minor(device));
  std::error_code error;
  const auto target = std::filesystem::read_symlink(link, error);
  return error ? std::string() : target.filename().string();
}

// jbd2 names each journal "<device>-<journal inode>" under /proc/fs/jbd2.
// Nothing when the device cannot be named: better "unmeasured" than a guess.
std::optional<bool> ext4_has_journal(const std::filesystem::path& directory) {
  struct stat status {};
  if (::stat(directory.c_str(), &status) != 0) return std::nullopt;
  const std::string device = block_device_name(status.st_dev);
  if (device.empty()) return std::nullopt;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/fs/jbd2", error))
    if (entry.path().filename().string().rfind(device + "-", 0) == 0) return true;
  return false;  // no journal of that device (or no journal on the machine at all)
}

}  // namespace

Filesystem filesystem_of(const std::filesystem::path& directory) {
  struct statfs info {};
  Filesystem result;
  if (::statfs(directory.c_str(), &info) != 0) {
    result.name = "unmeasured (statfs failed)";
    return result;
  }
  result.block_size = static_cast<std::uint64_t>(info.f_bsize);
  switch (static_cast<long>(info.f_type)) {
    case ext4_magic: {
      const auto journal = ext4_has_journal(directory);
      if (!journal) {
        result.name = "unmeasured (ext4 on a device whose journal cannot be looked up)";
      } else if (*journal) {
        result.kind = FilesystemKind::ext4_journal;
        result.name = "ext4-journal";
      } else {
        result.kind = FilesystemKind::ext4_no_journal;
        result.name = "ext4-nojournal";
      }
      break;
    }
    case xfs_magic:
      result.kind = FilesystemKind::xfs;
      result.name = "xfs";
      break;
    case btrfs_magic:
      result.kind = FilesystemKind::btrfs;
      result.name = "btrfs";
      break;
    case tmpfs_magic:
      result.kind = FilesystemKind::tmpfs;
      result.name = "tmpfs";
      break;
    default: {
      char type[32];
      std::snprintf(type, sizeof type, "0x%lx", static_cast<unsigned long>(info.f_type));
      result.name = std::string("unmeasured (type ") + type + ")";
    }
  }
  return result;
}

void observe(const std::string& key, const std::string& value) {
  std::cout << "observed: " << key << '=' << value << std::endl;
}

void observe(const std::string& key, std::uint64_t value) {
  observe(key, std::to_string(value));
}

std::string not_measured_on(const Filesystem& filesystem) {
  return "this claim has not been measured on " + filesystem.name +
         " (measured: ext4-journal, ext4-nojournal, xfs, btrfs)";
}

int kernel_version() {
  struct utsname names {};
  if (::uname(&names) != 0) return 0;
  int major = 0;
  int minor = 0;
  if (std::sscanf(names.release, "%d.%d", &major, &minor) != 2) return 0;
  return major * 100 + minor;
}

std::optional<bool> range_sync_covers_whole_file(const Filesystem& filesystem) {
  return measured_on<bool>(filesystem, {{FilesystemKind::ext4_journal, false},
                                        {FilesystemKind::ext4_no_journal, false},
                                        {FilesystemKind::xfs, false},
                                        {FilesystemKind::btrfs, true}});
}

std::string why_range_syncs_are_invisible(const std::filesystem::path& directory) {
  const Filesystem filesystem = filesystem_of(directory);
  const auto whole_file = range_sync_covers_whole_file(filesystem);
  if (!whole_file) return not_measured_on(filesystem);
  if (*whole_file)
    return filesystem.name +
           " writes back the whole file on every sync, so a range that stops short "
           "leaves no dirty page to see";
  return "";
}

std::optional<bool> has_large_folios(const Filesystem& filesystem) {
  // Measured on 6.18. ext4 gained large folios for regular files in 6.16; an
  // older ext4 was not measured, so claims about it skip rather than guess.
  const bool ext4_has_large_folios = kernel_version() >= 616;
  if (!ext4_has_large_folios && (filesystem.kind == FilesystemKind::ext4_journal ||
                                 filesystem.kind == FilesystemKind::ext4_no_journal))
    return std::nullopt;
  return measured_on<bool>(filesystem, {{FilesystemKind::ext4_journal, true},
                                        {FilesystemKind::ext4_no_journal, true},
                                        {FilesystemKind::xfs, true},
                                        {FilesystemKind::btrfs, false}});
}

}  // namespace mbe::testing
