// A tiny filesystem (ext4 by default; xfs or btrfs) made for one test: an image file in the test's
// scratch directory, loop-mounted in a mount namespace private to the test
// process (so nobody else sees it, and it vanishes with the process).
// Needs root, mkfs.<type> and mount; make() says why when it cannot.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

namespace mbe::testing {

class TinyFilesystem {
 public:
  struct Options {
    std::size_t mib = 8;  ///< image size (xfs needs 300, btrfs 114 at least)
    bool journal = true;  ///< ext4 only; false: mkfs.ext4 -O ^has_journal
    /// > 0: the image lives on a tmpfs of this size, so the *device* runs
    /// out of space below the filesystem and writeback fails with I/O errors.
    std::size_t backing_mib = 0;
    std::string type = "ext4";  ///< "ext4", "xfs" or "btrfs"
  };
  /// The mounted filesystem, or nullptr with @p why_not set.
  static std::unique_ptr<TinyFilesystem> make(const std::filesystem::path& work_dir,
                                              Options options, std::string& why_not);
  ~TinyFilesystem();
  TinyFilesystem(const TinyFilesystem&) = delete;
  TinyFilesystem& operator=(const TinyFilesystem&) = delete;

  [[nodiscard]] const std::filesystem::path& root() const { return mount_point_; }

 private:
  TinyFilesystem(std::filesystem::path mount_point, std::filesystem::path backing)
      : mount_point_(std::move(mount_point)), backing_(std::move(backing)) {}
  std::filesystem::path mount_point_;
  std::filesystem::path backing_;  // the tmpfs under the image, or empty
};

}  // namespace mbe::testing

/// Skips the test case unless a tiny filesystem can be made; else names it.
#define CH08_TINY_FILESYSTEM(name, work_dir, ...)                                            \
  std::string name##_why_not;                                                                \
  auto name = ::mbe::testing::TinyFilesystem::make(work_dir, {__VA_ARGS__}, name##_why_not); \
  if (!name) MBE_SKIP(name##_why_not)
