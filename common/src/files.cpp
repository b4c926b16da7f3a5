#include "msync/files.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <limits>

#include "msync/mapped_file.hpp"

namespace mbe {
namespace {

bool is_special(mode_t mode) {
  return S_ISFIFO(mode) || S_ISSOCK(mode) || S_ISCHR(mode) || S_ISBLK(mode);
}

// Filesystems whose files are made up by the kernel on each read.
bool is_pseudo_filesystem(std::int64_t type) {
  switch (type) {
    case PROC_SUPER_MAGIC:
    case SYSFS_MAGIC:
    case DEBUGFS_MAGIC:
    case TRACEFS_MAGIC:
    case SECURITYFS_MAGIC:
    case CGROUP_SUPER_MAGIC:
    case CGROUP2_SUPER_MAGIC:
    case BPF_FS_MAGIC:
      return true;
    default:
      return false;
  }
}

int refuse(Failure& failure, const char* call, std::error_code error, int fd = -1) {
  if (fd >= 0) ::close(fd);
  failure = {call, error};
  return -1;
}

}  // namespace

int open_regular_file(const std::filesystem::path& path, int access_flags,
                      Failure& failure) noexcept {
  failure = {};
  // A look before the open, so that a FIFO or a device is never even opened;
  // the fstat below closes the race with a file swapped in between.
  struct stat status {};
  if (::stat(path.c_str(), &status) == 0 && is_special(status.st_mode))
    return refuse(failure, "open", MappedFileError::not_a_regular_file);
  const int fd = ::open(path.c_str(), access_flags | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return refuse(failure, "open", last_error());
  if (::fstat(fd, &status) != 0) return refuse(failure, "fstat", last_error(), fd);
  if (!S_ISREG(status.st_mode))
    return refuse(failure, "open", MappedFileError::not_a_regular_file, fd);
  struct statfs filesystem {};
  if (::fstatfs(fd, &filesystem) != 0) return refuse(failure, "fstatfs", last_error(), fd);
  if (is_pseudo_filesystem(static_cast<std::int64_t>(filesystem.f_type)))
    return refuse(failure, "open", MappedFileError::pseudo_file, fd);
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0)
    return refuse(failure, "fcntl", last_error(), fd);
  return fd;
}

std::error_code check_file_size_limit(std::uint64_t end_offset) noexcept {
  const auto too_big = std::make_error_code(std::errc::file_too_large);
  if (end_offset > static_cast<std::uint64_t>(std::numeric_limits<off_t>::max())) return too_big;
  rlimit limit{};
  if (::getrlimit(RLIMIT_FSIZE, &limit) != 0) return last_error();
  if (limit.rlim_cur != RLIM_INFINITY && end_offset > limit.rlim_cur) return too_big;
  return {};
}

void never_create_group_or_world_writable() noexcept {
  ::umask(::umask(0) | 022);
}

void remove_quietly(const std::filesystem::path& path) noexcept {
  ::unlink(path.c_str());
}

void report_file_size_limit_as_error() noexcept {
  std::signal(SIGXFSZ, SIG_IGN);
}

}  // namespace mbe
