// dax_page_cache — does a DAX mapping use the page cache? Ask /proc/meminfo.
//
// Usage: ch09_dax_page_cache DIR
//
// Runs in chapter 09's persistent-memory guest, on a filesystem mounted with
// -o dax and again with -o dax=never. In a nameless 16 MiB sparse file in DIR
// it first asks for MAP_SHARED_VALIDATE | MAP_SYNC and prints the answer,
// then stores one byte into every page through a plain MAP_SHARED mapping
// and prints how much the machine's Dirty and Cached counters (/proc/meminfo)
// grew. Without DAX every page is a dirty page-cache page until writeback or
// msync; with DAX the stores go to the medium itself: nothing is cached,
// nothing is dirty, so there is nothing for msync to write (only CPU cache
// lines to flush). The counters are machine-wide, which is why this runs in
// a guest that does nothing else.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch09_dax_page_cache DIR\n"
    "  Tries MAP_SHARED_VALIDATE|MAP_SYNC on a temporary file in DIR, stores into\n"
    "  16 MiB through MAP_SHARED and prints the growth of Dirty and Cached.\n";

constexpr std::size_t file_size = 16 << 20;

// The value in KiB of @p field in /proc/meminfo, or -1.
long meminfo_kib(std::string_view field) {
  std::ifstream meminfo("/proc/meminfo");
  std::string name;
  long value = 0;
  std::string unit;
  while (meminfo >> name >> value) {
    if (name == std::string(field) + ":") return value;
    std::getline(meminfo, unit);
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  mbe::report_file_size_limit_as_error();  // past RLIMIT_FSIZE: an EFBIG message, not SIGXFSZ
  const char* directory = nullptr;
  if (auto exit_status = mbe::parse_command_line(argc, argv, usage, {&directory, 1}))
    return *exit_status;
  const int fd = ::open(directory, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) return mbe::report_errno(std::string("open(O_TMPFILE) in ") + directory, errno);
  if (::ftruncate(fd, file_size) != 0) return mbe::report_errno("ftruncate", errno);
  struct statx status {};
  const bool dax = ::statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &status) == 0 &&
                   (status.stx_attributes & STATX_ATTR_DAX) != 0;

  // [accepted]
  void* sync_mapping =
      ::mmap(nullptr, file_size, PROT_READ | PROT_WRITE, MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0);
  const std::string map_sync = sync_mapping == MAP_FAILED ? mbe::errno_name(errno) : "accepted";
  if (sync_mapping != MAP_FAILED) ::munmap(sync_mapping, file_size);
  // [accepted]

  // [dirty]
  void* mapping = ::mmap(nullptr, file_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (mapping == MAP_FAILED) return mbe::report_errno("mmap", errno);
  const long dirty_before = meminfo_kib("Dirty"), cached_before = meminfo_kib("Cached");
  auto* bytes = static_cast<volatile char*>(mapping);
  for (std::size_t offset = 0; offset < file_size; offset += 4096) bytes[offset] = 1;
  const long dirty_after = meminfo_kib("Dirty"), cached_after = meminfo_kib("Cached");
  // [dirty]
  std::printf("dax=%d map_sync=%s stored_kib=%zu dirty_growth_kib=%ld cached_growth_kib=%ld\n",
              dax ? 1 : 0, map_sync.c_str(), file_size / 1024, dirty_after - dirty_before,
              cached_after - cached_before);
  ::munmap(mapping, file_size);
  ::close(fd);
  return 0;
}
