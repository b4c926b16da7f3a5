// past_eof — what a store beyond the end of the file does: lost, or SIGBUS.
//
// Usage: ch08_past_eof FILE [--size N] [--store-at OFFSET] [--msync-first]
//
// Creates FILE with N bytes (default 100; it must not exist yet) and maps two
// whole pages of it MAP_SHARED — mmap allows a mapping longer than the file.
// Then it stores one byte 'X' at OFFSET (default 200):
//
//   * OFFSET < N: an ordinary store; it reaches the file.
//   * N <= OFFSET, same page as the last byte: the store "works" — but the
//     bytes past the end of file are not part of the file. They are never
//     written back. The program then grows the file over OFFSET (after an
//     msync with --msync-first) and reads the byte back with read(2): on
//     ext4, xfs and btrfs it reads as zero — lost, silently, with or without
//     the msync (kernel 6.18); on tmpfs the 'X' becomes part of the file.
//   * OFFSET in a page that holds no byte of the file: the kernel sends
//     SIGBUS (BUS_ADRERR) and this program dies of it, as yours would.
#include <fcntl.h>
#include <sys/mman.h>
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
    "usage: ch08_past_eof FILE [--size N] [--store-at OFFSET] [--msync-first]\n"
    "  Creates FILE of N bytes (default 100), maps two pages of it and stores 'X'\n"
    "  at OFFSET (default 200): inside the file, past its end in the last page\n"
    "  (silently lost), or in a page past the end (SIGBUS kills the program).\n"
    "  Then it grows FILE over OFFSET (after msync with --msync-first) and reads it back.\n";

}  // namespace

int main(int argc, char** argv) {
  mbe::report_file_size_limit_as_error();  // past RLIMIT_FSIZE: an EFBIG message, not SIGXFSZ
  const char* path = nullptr;
  std::uint64_t size = 100;
  std::uint64_t store_at = 200;
  bool msync_first = false;
  const std::size_t page = mbe::page_size();
  if (auto exit_status =
          mbe::parse_command_line(argc, argv, usage, {&path, 1},
                                  {mbe::Option::number("--size", size, 0, page),
                                   mbe::Option::number("--store-at", store_at, 0, 2 * page - 1),
                                   mbe::Option::toggle("--msync-first", msync_first)}))
    return *exit_status;

  const int fd = ::open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return mbe::report_errno("open", errno);
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) return mbe::report_errno("ftruncate", errno);

  // [map two pages]
  const std::size_t length = 2 * page;  // longer than the file: mmap allows it
  auto* data =
      static_cast<char*>(::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
  if (data == MAP_FAILED) return mbe::report_errno("mmap", errno);
  std::printf("file size %llu bytes, mapping %zu bytes (2 pages)\n",
              static_cast<unsigned long long>(size), length);
  std::printf("storing 'X' at offset %llu ...\n", static_cast<unsigned long long>(store_at));
  std::fflush(stdout);  // SIGBUS may kill us on the next line
  data[store_at] = 'X';
  // [map two pages]
  std::printf("the store returned\n");

  if (msync_first && ::msync(data, length / 2, MS_SYNC) != 0)
    return mbe::report_errno("msync", errno);
  ::munmap(data, length);

  // [read back]
  // Grow the file over the offset, then read the byte with read(2).
  if (store_at >= size && ::ftruncate(fd, static_cast<off_t>(store_at + 1)) != 0)
    return mbe::report_errno("ftruncate", errno);
  char byte = '?';
  if (::pread(fd, &byte, 1, static_cast<off_t>(store_at)) != 1)
    return mbe::report_errno("pread", errno);
  // [read back]
  ::close(fd);
  if (byte == 'X') {
    std::printf("read back 'X': the store is part of the file\n");
  } else {
    std::printf("read back %d, not 'X': the store past the end of file was lost\n", byte);
  }
  std::printf("msync_first=%d read_back=%s\n", msync_first ? 1 : 0,
              byte == 'X' ? "X" : std::to_string(byte).c_str());
  return 0;
}
