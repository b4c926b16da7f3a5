// sealed_memfd — a shrink seal: nobody can truncate the memory under you.
//
// Usage: ch08_sealed_memfd
//
// Creates an anonymous file with memfd_create(MFD_ALLOW_SEALING), gives it two
// pages and adds the seal F_SEAL_SHRINK. From then on every attempt to shrink
// it fails with EPERM — in this process and in every process the descriptor is
// passed to (here a forked child) — so the mapping can never reach past the
// end of the file and SIGBUS cannot happen. Growing is still allowed.
//
// A memfd lives in RAM (tmpfs): the seal protects shared state between
// processes, not a file on disk. Seals exist only for memfds (and tmpfs/hugetlbfs
// files opened with sealing allowed); for a disk file the processes need a protocol.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"
#include "msync/mapped_file.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch08_sealed_memfd\n"
    "  Seals a two-page memfd against shrinking, lets a child try to truncate it\n"
    "  (EPERM), grows it, and reads the second page safely.\n";

}  // namespace

int main(int argc, char** argv) {
  mbe::report_file_size_limit_as_error();  // past RLIMIT_FSIZE: an EFBIG message, not SIGXFSZ
  if (auto exit_status = mbe::parse_command_line(argc, argv, usage, {})) return *exit_status;

  const std::size_t page = mbe::page_size();
  // [seal]
  const int fd = ::memfd_create("ch08_state", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return mbe::report_errno("memfd_create", errno);
  if (::ftruncate(fd, static_cast<off_t>(2 * page)) != 0)
    return mbe::report_errno("ftruncate", errno);
  if (::fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) != 0)
    return mbe::report_errno("fcntl(F_ADD_SEALS)", errno);
  // [seal]
  auto* data =
      static_cast<char*>(::mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
  if (data == MAP_FAILED) return mbe::report_errno("mmap", errno);
  data[page] = 'b';
  std::printf("sealed a two-page memfd against shrinking (seals 0x%x)\n", ::fcntl(fd, F_GET_SEALS));

  std::fflush(stdout);  // else the child's exit would print our buffered lines again
  const pid_t child = ::fork();
  if (child < 0) return mbe::report_errno("fork", errno);
  if (child == 0) {  // another process holding the descriptor tries to shrink it
    const int result = ::ftruncate(fd, static_cast<off_t>(page));
    const int error = errno;
    std::printf("other process: ftruncate to one page: %s\n", mbe::call_result(result).c_str());
    std::fflush(stdout);
    _exit(result != 0 && error == EPERM ? 0 : 1);
  }
  int status = 0;
  if (::waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "the seal did not stop the child's truncate\n");
    return 1;
  }

  std::printf("grow to three pages: %s\n",
              mbe::call_result(::ftruncate(fd, static_cast<off_t>(3 * page))).c_str());
  std::printf("second page still reads '%c': no SIGBUS possible\n", data[page]);
  ::munmap(data, 2 * page);
  ::close(fd);
  return 0;
}
