// Chapter 09: MAP_SYNC on filesystems without DAX — refused, or ignored.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <optional>
#include <string>

#include "filesystem.hpp"
#include "msync/errors.hpp"
#include "msync/mapped_file.hpp"
#include "testing.hpp"

using mbe::testing::ScratchDir;

namespace {
constexpr unsigned long tmpfs_magic = 0x01021994;
constexpr int unknown_flag = 0x200000;

unsigned long filesystem_type(const std::filesystem::path& directory) {
  struct statfs info {};
  REQUIRE(::statfs(directory.c_str(), &info) == 0);
  return static_cast<unsigned long>(info.f_type);
}

// 0 when a one-page file in @p directory maps with @p flags, else the errno.
int mmap_error(const std::filesystem::path& directory, int flags) {
  const int fd = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  REQUIRE(fd >= 0);
  REQUIRE(::ftruncate(fd, static_cast<off_t>(mbe::page_size())) == 0);
  void* mapping = ::mmap(nullptr, mbe::page_size(), PROT_READ | PROT_WRITE, flags, fd, 0);
  const int error = mapping == MAP_FAILED ? errno : 0;
  if (mapping != MAP_FAILED) ::munmap(mapping, mbe::page_size());
  ::close(fd);
  return error;
}

const std::filesystem::path shm = "/dev/shm";

// The errno of MAP_SHARED or MAP_PRIVATE with MAP_SYNC on a file that is not
// DAX, as measured on 6.18: 0 where the flag is ignored.
std::optional<int> measured_errno(const mbe::testing::Filesystem& filesystem) {
  using mbe::testing::FilesystemKind;
  return mbe::testing::measured_on<int>(filesystem, {{FilesystemKind::ext4_journal, EOPNOTSUPP},
                                                     {FilesystemKind::ext4_no_journal, EOPNOTSUPP},
                                                     {FilesystemKind::xfs, EOPNOTSUPP},
                                                     {FilesystemKind::btrfs, 0},
                                                     {FilesystemKind::tmpfs, 0}});
}
}  // namespace

#define REQUIRE_FILESYSTEM(directory, magic, name)                              \
  do {                                                                          \
    if (filesystem_type(directory) != (magic))                                  \
      MBE_SKIP(std::string("needs ") + (name) + " at " + (directory).string()); \
  } while (false)

TEST_CASE("MAP_SHARED_VALIDATE with MAP_SYNC without DAX is EOPNOTSUPP on every filesystem") {
  ScratchDir dir;
  CHECK(mmap_error(dir.path(), MAP_SHARED_VALIDATE | MAP_SYNC) == EOPNOTSUPP);
  CHECK(mmap_error(dir.path(), MAP_SHARED_VALIDATE) == 0);  // it is MAP_SYNC that is refused
}

// What MAP_SYNC does with the other mapping types (kernel 6.18): ext4 and xfs
// refuse it in their mmap hook (daxdev_mapping_supported sees VM_SYNC on a
// file that is not DAX); btrfs and tmpfs never look and map as if it were absent.
TEST_CASE(
    "plain MAP_SHARED with MAP_SYNC is rejected on ext4 and xfs and ignored on btrfs and tmpfs") {
  ScratchDir dir;
  const auto filesystem = mbe::testing::filesystem_of(dir.path());
  const auto expected = measured_errno(filesystem);
  if (!expected) MBE_SKIP(mbe::testing::not_measured_on(filesystem));
  const int error = mmap_error(dir.path(), MAP_SHARED | MAP_SYNC);
  mbe::testing::observe("MAP_SHARED | MAP_SYNC", error == 0 ? "mapped" : mbe::errno_name(error));
  CHECK(error == *expected);
}

TEST_CASE("MAP_PRIVATE with MAP_SYNC is rejected on ext4 and xfs and ignored on btrfs and tmpfs") {
  ScratchDir dir;
  const auto filesystem = mbe::testing::filesystem_of(dir.path());
  const auto expected = measured_errno(filesystem);
  if (!expected) MBE_SKIP(mbe::testing::not_measured_on(filesystem));
  const int error = mmap_error(dir.path(), MAP_PRIVATE | MAP_SYNC);
  mbe::testing::observe("MAP_PRIVATE | MAP_SYNC", error == 0 ? "mapped" : mbe::errno_name(error));
  CHECK(error == *expected);
}

TEST_CASE("tmpfs rejects MAP_SYNC under MAP_SHARED_VALIDATE and ignores it under MAP_SHARED") {
  REQUIRE_FILESYSTEM(shm, tmpfs_magic, "tmpfs");
  CHECK(mmap_error(shm, MAP_SHARED_VALIDATE | MAP_SYNC) == EOPNOTSUPP);
  CHECK(mmap_error(shm, MAP_SHARED | MAP_SYNC) == 0);
  CHECK(mmap_error(shm, MAP_PRIVATE | MAP_SYNC) == 0);
}

TEST_CASE("MAP_SHARED_VALIDATE rejects an unknown flag that MAP_SHARED ignores") {
  ScratchDir dir;
  CHECK(mmap_error(dir.path(), MAP_SHARED_VALIDATE | unknown_flag) == EOPNOTSUPP);
  CHECK(mmap_error(dir.path(), MAP_SHARED | unknown_flag) == 0);
}

TEST_CASE("files here are not DAX so MAP_SYNC has nothing to offer") {
  ScratchDir dir;
  for (const auto& directory : {dir.path(), shm}) {
    CAPTURE(directory);
    const int fd = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    REQUIRE(fd >= 0);
    struct statx status {};
    REQUIRE(::statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &status) == 0);
    CHECK((status.stx_attributes & STATX_ATTR_DAX) == 0);
    ::close(fd);
  }
}

TEST_CASE("map_sync_probe prints each attempt and leaves no file behind") {
  ScratchDir dir;
  const auto filesystem = mbe::testing::filesystem_of(dir.path());
  const auto expected = measured_errno(filesystem);
  if (!expected) MBE_SKIP(mbe::testing::not_measured_on(filesystem));
  const auto run = mbe::testing::run_program({MBE_PROGRAM_MAP_SYNC_PROBE, dir.path().string()});
  CHECK(run.exited_with(0));
  CHECK(run.out.find(", DAX: no") != std::string::npos);
  const std::string shared_sync =
      *expected == 0 ? "mapped" : "-1, EOPNOTSUPP (Operation not supported)";
  CHECK(run.out.find("MAP_SHARED | MAP_SYNC:               " + shared_sync) != std::string::npos);
  CHECK(run.out.find("MAP_SHARED | unknown flag:           mapped") != std::string::npos);
  CHECK(std::filesystem::is_empty(dir.path()));
  const auto missing =
      mbe::testing::run_program({MBE_PROGRAM_MAP_SYNC_PROBE, dir.file("nope").string()});
  CHECK(missing.exited_with(1));
  CHECK(missing.err.find("ENOENT (No such file or directory)") != std::string::npos);
}
