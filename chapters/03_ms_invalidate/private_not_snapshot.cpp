// private_not_snapshot — MAP_PRIVATE is not a snapshot of the file.
//
// Usage: ch03_private_not_snapshot FILE
//
// Creates FILE (two pages of 'a'; it must not exist yet) and maps it
// MAP_PRIVATE. Then it changes the file with pwrite() and shows:
//   1. a page never written through the private mapping shows the change;
//   2. a page written through it (copied on write) keeps its private copy,
//      even after msync(MS_INVALIDATE);
//   3. madvise(MADV_DONTNEED) throws the private copy away: the page shows
//      the file again.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <iostream>
#include <string>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"
#include "msync/mapped_file.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch03_private_not_snapshot FILE\n"
    "  Shows that a MAP_PRIVATE mapping of new FILE is not a snapshot of it.\n";
}

int main(int argc, char** argv) {
  mbe::report_file_size_limit_as_error();  // past RLIMIT_FSIZE: an EFBIG message, not SIGXFSZ
  const char* path = nullptr;
  if (auto exit_status = mbe::parse_command_line(argc, argv, usage, {&path, 1}))
    return *exit_status;
  const std::size_t page = mbe::page_size();
  const int fd = ::open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return mbe::report_errno("open", errno);
  const std::string initial(2 * page, 'a');
  if (::pwrite(fd, initial.data(), initial.size(), 0) != static_cast<ssize_t>(initial.size()))
    return mbe::report_errno("pwrite", errno);
  void* mapping = ::mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  if (mapping == MAP_FAILED) return mbe::report_errno("mmap", errno);
  char* copied = static_cast<char*>(mapping);  // page 0: we will write it
  char* untouched = copied + page;             // page 1: we only read it

  // [private]
  copied[0] = 'P';  // copy-on-write: page 0 is now private to this process
  if (::pwrite(fd, "F", 1, 0) != 1 || ::pwrite(fd, "F", 1, static_cast<off_t>(page)) != 1)
    return mbe::report_errno("pwrite", errno);
  std::cout << "file changed to 'F' at the start of both pages\n"
            << "untouched private page shows:          '" << untouched[0] << "'\n"
            << "copied-on-write page shows:            '" << copied[0] << "'\n";
  if (::msync(copied, page, MS_INVALIDATE) != 0) return mbe::report_errno("msync", errno);
  std::cout << "after msync(MS_INVALIDATE), COW page:  '" << copied[0] << "'\n";
  if (::madvise(copied, page, MADV_DONTNEED) != 0) return mbe::report_errno("madvise", errno);
  std::cout << "after madvise(MADV_DONTNEED), page:    '" << copied[0] << "'\n";
  // [private]
  ::munmap(mapping, 2 * page);
  ::close(fd);
  return 0;
}
