// unmap_and_exit — munmap, close and exit write nothing back.
//
// Usage: ch00_unmap_and_exit FILE TEXT
//
// Creates FILE (one page; it must not exist yet), stores TEXT at its start
// through a MAP_SHARED mapping, then unmaps the file and closes it without
// msync. A fresh descriptor then shows the page still dirty: munmap and close
// did not write it. When the program exits the page is still dirty — run
// ch00_peek FILE to see it from another process. The kernel writes it back
// later on its own schedule (about 30 s here), or when someone calls msync/fsync.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch00_unmap_and_exit FILE TEXT\n"
    "  Creates FILE (one page), stores TEXT through a MAP_SHARED mapping, then\n"
    "  munmap()s and close()s it without msync and shows the page is still dirty.\n";
}

int main(int argc, char** argv) {
  mbe::report_file_size_limit_as_error();  // past RLIMIT_FSIZE: an EFBIG message, not SIGXFSZ
  const char* operands[2] = {};
  if (auto exit_status = mbe::parse_command_line(argc, argv, usage, operands)) return *exit_status;
  const char* path = operands[0];
  const std::string_view text = operands[1];
  const std::size_t page = mbe::page_size();
  if (text.empty() || text.size() > page) {
    std::cerr << "ch00_unmap_and_exit: TEXT must have 1 to " << page << " bytes\n";
    return 2;
  }

  // Raw calls on purpose: this program is about what munmap and close do.
  // [unmap]
  const int fd = ::open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return mbe::report_errno("open", errno);
  if (::ftruncate(fd, static_cast<off_t>(page)) != 0) return mbe::report_errno("ftruncate", errno);
  void* mapping = ::mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (mapping == MAP_FAILED) return mbe::report_errno("mmap", errno);

  std::memcpy(mapping, text.data(), text.size());  // the store: page becomes dirty
  if (::munmap(mapping, page) != 0) return mbe::report_errno("munmap", errno);
  if (::close(fd) != 0) return mbe::report_errno("close", errno);
  // [unmap]

  const int probe_fd = ::open(path, O_RDWR | O_CLOEXEC);  // cachestat wants a writable file
  if (probe_fd < 0) return mbe::report_errno("open", errno);
  mbe::PageCacheState state;
  if (auto error = mbe::probe_page_cache(probe_fd, 0, 0, state))
    return mbe::report_error("cachestat", error);
  ::close(probe_fd);
  std::cout << "stored " << text.size() << " bytes, then munmap + close without msync\n"
            << "page cache now: cached " << state.cached << ", dirty " << state.dirty
            << ", writeback " << state.writeback << '\n'
            << (state.dirty > 0 ? "munmap and close wrote nothing back: the page is still dirty.\n"
                                : "the page is clean: something else wrote it back meanwhile.\n");
  return 0;
}
