// empty_and_grow — an empty file cannot be mapped; a mapped file can grow.
//
// Usage: ch08_empty_and_grow FILE [--grow-to PAGES]
//
// Creates FILE empty (it must not exist yet) and shows, step by step:
//   1. mmap of length 0 fails with EINVAL — an empty file has nothing to map;
//   2. so the file is first given a size (ftruncate to one page), then mapped,
//      and a greeting is stored;
//   3. to grow it, the FILE is extended first (posix_fallocate, which also
//      reserves the disk blocks) and the mapping second (mremap with
//      MREMAP_MAYMOVE: the kernel may move it, so every pointer into the old
//      address must be recomputed). The other order — a longer mapping over
//      a short file — is the SIGBUS of ch08_past_eof;
//   4. stores into the new pages reach the file; the greeting is still there.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"
#include "msync/mapped_file.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch08_empty_and_grow FILE [--grow-to PAGES]\n"
    "  Creates an empty FILE, shows that it cannot be mapped, gives it one page,\n"
    "  maps it, then grows file and mapping to PAGES pages (default 4).\n";

constexpr char greeting[] = "hello from page 0";

}  // namespace

int main(int argc, char** argv) {
  mbe::report_file_size_limit_as_error();  // past RLIMIT_FSIZE: an EFBIG message, not SIGXFSZ
  const char* path = nullptr;
  std::uint64_t grow_to = 4;
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, {&path, 1}, {mbe::Option::number("--grow-to", grow_to, 2, 1024)}))
    return *exit_status;
  const std::size_t page = mbe::page_size();

  const int fd = ::open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return mbe::report_errno("open", errno);

  // [empty]
  void* nothing = ::mmap(nullptr, 0, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  std::printf("1. mmap(length 0) of the empty file: %s\n",
              nothing == MAP_FAILED ? mbe::call_result(-1).c_str() : "mapped?!");
  // [empty]

  if (::ftruncate(fd, static_cast<off_t>(page)) != 0) return mbe::report_errno("ftruncate", errno);
  std::size_t length = page;
  void* mapping = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (mapping == MAP_FAILED) return mbe::report_errno("mmap", errno);
  std::memcpy(mapping, greeting, sizeof greeting);
  std::printf("2. ftruncate to %zu bytes, mapped, stored \"%s\"\n", page, greeting);

  // [grow]
  const std::size_t new_length = grow_to * page;
  if (const int error = ::posix_fallocate(fd, 0, static_cast<off_t>(new_length)); error != 0)
    return mbe::report_errno("posix_fallocate", error);                 // the file first ...
  void* grown = ::mremap(mapping, length, new_length, MREMAP_MAYMOVE);  // ... the mapping second
  if (grown == MAP_FAILED) return mbe::report_errno("mremap", errno);
  const bool moved = grown != mapping;
  mapping = grown;  // the old address is gone if it moved
  length = new_length;
  // [grow]
  std::printf("3. grew file and mapping to %zu bytes; the mapping %s\n", length,
              moved ? "moved to a new address" : "stayed in place");

  auto* bytes = static_cast<char*>(mapping);
  for (std::size_t at = page; at < length; at += page) bytes[at] = 'n';
  if (::msync(mapping, length, MS_SYNC) != 0) return mbe::report_errno("msync", errno);

  char last = 0;
  char first[sizeof greeting] = {};
  if (::pread(fd, &last, 1, static_cast<off_t>(length - page)) != 1 ||
      ::pread(fd, first, sizeof first, 0) != static_cast<ssize_t>(sizeof first))
    return mbe::report_errno("pread", errno);
  std::printf("4. read back: last page '%c', page 0 \"%s\"\n", last, first);
  ::munmap(mapping, length);
  ::close(fd);
  return last == 'n' && std::strcmp(first, greeting) == 0 ? 0 : 1;
}
