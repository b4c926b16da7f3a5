// map_sync_probe — what mmap says to MAP_SYNC on a given filesystem.
//
// Usage: ch09_map_sync_probe DIR
//
// Makes a nameless one-page file in DIR (O_TMPFILE: nothing is left behind)
// and tries to map it with each combination of mapping type and MAP_SYNC,
// printing the result. MAP_SYNC asks for a mapping of persistent memory
// (DAX) in which the file's metadata is always durable, so that a store made
// durable in the CPU caches is durable in the file. Without DAX there is no
// such mapping: a filesystem has to refuse it, and MAP_SHARED_VALIDATE is the
// mapping type that promises to refuse unknown or unsupported flags instead
// of ignoring them. The man page says plain MAP_SHARED ignores MAP_SYNC; run
// this on ext4 and on tmpfs to see what your kernel does.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"
#include "msync/mapped_file.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch09_map_sync_probe DIR\n"
    "  Tries MAP_SYNC with MAP_SHARED_VALIDATE, MAP_SHARED and MAP_PRIVATE on a\n"
    "  temporary file in DIR and prints what mmap returns.\n";

constexpr int unknown_flag = 0x200000;  // no mmap flag uses this bit (Linux 6.18)

std::string filesystem_name(int fd) {
  struct statfs info {};
  if (::fstatfs(fd, &info) != 0) return "unknown";
  const auto type = static_cast<unsigned long>(info.f_type);
  if (type == 0xEF53) return "ext4";
  if (type == 0x01021994) return "tmpfs";
  if (type == 0x58465342) return "xfs";
  if (type == 0x9123683E) return "btrfs";
  char other[40];
  std::snprintf(other, sizeof other, "f_type 0x%lx", type);
  return other;
}

}  // namespace

int main(int argc, char** argv) {
  mbe::report_file_size_limit_as_error();  // past RLIMIT_FSIZE: an EFBIG message, not SIGXFSZ
  const char* directory = nullptr;
  if (auto exit_status = mbe::parse_command_line(argc, argv, usage, {&directory, 1}))
    return *exit_status;

  const int fd = ::open(directory, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) return mbe::report_errno(std::string("open(O_TMPFILE) in ") + directory, errno);
  const std::size_t page = mbe::page_size();
  if (::ftruncate(fd, static_cast<off_t>(page)) != 0) return mbe::report_errno("ftruncate", errno);

  // [dax]
  struct statx status {};
  const bool dax = ::statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &status) == 0 &&
                   (status.stx_attributes & STATX_ATTR_DAX) != 0;
  // [dax]
  std::printf("filesystem: %s, DAX: %s\n", filesystem_name(fd).c_str(), dax ? "yes" : "no");

  // [probe]
  const struct {
    const char* name;
    int flags;
  } attempts[] = {
      {"MAP_SHARED_VALIDATE | MAP_SYNC", MAP_SHARED_VALIDATE | MAP_SYNC},
      {"MAP_SHARED | MAP_SYNC", MAP_SHARED | MAP_SYNC},
      {"MAP_PRIVATE | MAP_SYNC", MAP_PRIVATE | MAP_SYNC},
      {"MAP_SHARED_VALIDATE | unknown flag", MAP_SHARED_VALIDATE | unknown_flag},
      {"MAP_SHARED | unknown flag", MAP_SHARED | unknown_flag},
      {"MAP_SHARED_VALIDATE", MAP_SHARED_VALIDATE},
  };
  for (const auto& attempt : attempts) {
    void* mapping = ::mmap(nullptr, page, PROT_READ | PROT_WRITE, attempt.flags, fd, 0);
    std::printf("%-36s %s\n", (std::string(attempt.name) + ":").c_str(),
                mapping == MAP_FAILED ? mbe::call_result(-1).c_str() : "mapped");
    if (mapping != MAP_FAILED) ::munmap(mapping, page);
  }
  // [probe]
  ::close(fd);
  return 0;
}
