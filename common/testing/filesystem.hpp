/// @file filesystem.hpp
/// @brief Which filesystem a test's scratch directory is on, so that a claim
/// whose truth depends on it asserts *that* filesystem's measured value — and
/// skips, with the reason, on one the collection has not measured.
#pragma once

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>

#include "testing.hpp"

namespace mbe::testing {

/// @brief The filesystem configurations the collection has measured. The
/// names are those of the filesystem matrix's columns
/// (`common/testing/filesystem_matrix.sh`).
enum class FilesystemKind {
  ext4_journal,     ///< ext4 with its journal (mkfs.ext4 default; Debian, Ubuntu)
  ext4_no_journal,  ///< ext4 made with `-O ^has_journal`
  xfs,              ///< xfs (RHEL, Rocky, Alma)
  btrfs,            ///< btrfs (Fedora, openSUSE)
  tmpfs,            ///< tmpfs: RAM only, never a dirty page
  unmeasured,       ///< anything else: claims that depend on it skip
};

/// @brief What a directory's filesystem is.
struct Filesystem {
  FilesystemKind kind = FilesystemKind::unmeasured;
  std::string name;              ///< "ext4-journal", "ext4-nojournal", "xfs", "btrfs", "tmpfs",
                                 ///< or "unmeasured (type 0x…)"
  std::uint64_t block_size = 0;  ///< `statfs` f_bsize
};

/// @brief The filesystem @p directory is on: `statfs` gives the type; for
/// ext4, a journal shows as `/proc/fs/jbd2/<device>-<inode>`.
Filesystem filesystem_of(const std::filesystem::path& directory);

/// @brief The value measured on @p filesystem's kind, or nothing when the
/// list has none for it (the caller then skips: "not measured on …").
template <typename T>
std::optional<T> measured_on(const Filesystem& filesystem,
                             std::initializer_list<std::pair<FilesystemKind, T>> values) {
  for (const auto& [kind, value] : values)
    if (kind == filesystem.kind) return value;
  return std::nullopt;
}

/// @brief Prints `observed: KEY=VALUE` on standard output. The filesystem
/// matrix collects these lines from every column into the "What holds where"
/// page, so a value that differs per filesystem is shown as measured.
void observe(const std::string& key, const std::string& value);

/// @brief observe() for a number.
void observe(const std::string& key, std::uint64_t value);

/// @brief The skip reason for a claim not measured on @p filesystem.
std::string not_measured_on(const Filesystem& filesystem);

/// @brief The running kernel's version as major * 100 + minor (6.18 -> 618).
int kernel_version();

/// @brief Whether a sync of one byte range (msync MS_SYNC, fsync, fdatasync)
/// also writes back the file's dirty pages *outside* the range. btrfs always
/// syncs the whole file (`btrfs_sync_file` in fs/btrfs/file.c sets the range to
/// 0..LLONG_MAX); ext4 and xfs write back the range only. Nothing when not
/// measured on @p filesystem.
std::optional<bool> range_sync_covers_whole_file(const Filesystem& filesystem);

/// @brief Why a sync of a byte range cannot be told from a sync of the whole
/// file in @p directory — it is on btrfs, which always syncs the whole file, or
/// on a filesystem nobody has measured — or "" when it can: the pages outside
/// the range stay dirty (ext4, xfs).
std::string why_range_syncs_are_invisible(const std::filesystem::path& directory);

/// @brief Whether a file written by large `write()`s gets large folios in the
/// page cache: yes on xfs (since about 5.18) and on ext4 since 6.16, no on
/// btrfs (none seen on 6.18). Their size is up to the write's, 256 pages for
/// 1 MiB writes, and smaller when memory is fragmented: assert "more than one
/// page", never an exact size. Nothing when not measured on @p filesystem and
/// this kernel.
std::optional<bool> has_large_folios(const Filesystem& filesystem);

}  // namespace mbe::testing

/// @brief Skips the test unless a sync of a range leaves the rest of the file
/// dirty in @p directory (a check that a range was too short needs that).
#define MBE_REQUIRE_VISIBLE_RANGE_SYNC(directory)                                                  \
  do {                                                                                             \
    if (auto why_not = ::mbe::testing::why_range_syncs_are_invisible(directory); !why_not.empty()) \
      MBE_SKIP(why_not);                                                                           \
  } while (false)
