// fill_disk — stores into a sparse file on a full filesystem: SIGBUS, or an
// error code if the blocks were reserved first.
//
// Usage: ch08_fill_disk FILE --mib N [--preallocate]
//
// Creates FILE (it must not exist yet) of N MiB and maps it MAP_SHARED.
// Without --preallocate the file is sparse (ftruncate): it owns no disk
// blocks, and each page gets its block only when it is first stored into —
// in the page fault. If the filesystem is full at that moment the fault
// cannot be satisfied and the kernel sends SIGBUS: there is no return value
// a store could carry an ENOSPC in. This program then dies of it.
//
// With --preallocate, posix_fallocate reserves every block before mapping;
// on a full filesystem *that* call fails with ENOSPC — an error code the
// program can handle (here: report it, remove its file, exit 1).
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"
#include "msync/mapped_file.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch08_fill_disk FILE --mib N [--preallocate]\n"
    "  Maps a new N MiB FILE and stores into every page. Sparse (the default),\n"
    "  a full filesystem means SIGBUS; with --preallocate, posix_fallocate\n"
    "  reports ENOSPC before anything is mapped.\n";

}  // namespace

int main(int argc, char** argv) {
  mbe::report_file_size_limit_as_error();  // past RLIMIT_FSIZE: an EFBIG message, not SIGXFSZ
  const char* path = nullptr;
  std::uint64_t mib = 0;
  bool preallocate = false;
  if (auto exit_status =
          mbe::parse_command_line(argc, argv, usage, {&path, 1},
                                  {mbe::Option::number("--mib", mib, 1, 1024),
                                   mbe::Option::toggle("--preallocate", preallocate)}))
    return *exit_status;
  if (mib == 0) {
    std::fprintf(stderr, "--mib is required\n%s", std::string(usage).c_str());
    return 2;
  }
  const std::size_t length = mib << 20;

  const int fd = ::open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return mbe::report_errno("open", errno);
  // [reserve]
  if (preallocate) {
    if (const int error = ::posix_fallocate(fd, 0, static_cast<off_t>(length)); error != 0) {
      ::unlink(path);  // our own new file: give back what it got
      return mbe::report_errno("posix_fallocate", error);
    }
    std::printf("posix_fallocate reserved %llu MiB\n", static_cast<unsigned long long>(mib));
  } else if (::ftruncate(fd, static_cast<off_t>(length)) != 0) {
    return mbe::report_errno("ftruncate", errno);
  }
  // [reserve]

  auto* data =
      static_cast<char*>(::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
  if (data == MAP_FAILED) return mbe::report_errno("mmap", errno);
  std::printf("storing into %zu pages ...\n", length / mbe::page_size());
  std::fflush(stdout);  // a full disk kills us with SIGBUS inside the loop
  for (std::size_t at = 0; at < length; at += mbe::page_size()) data[at] = 'x';
  if (::msync(data, length, MS_SYNC) != 0) return mbe::report_errno("msync", errno);
  std::printf("all pages stored and synced\n");
  ::munmap(data, length);
  ::close(fd);
  return 0;
}
