// dax_store — one store into a new block of a DAX file, with or without MAP_SYNC.
//
// Usage: ch09_dax_store --map sync|shared FILE
//        ch09_dax_store --check FILE
//
// The writer of chapter 09's persistent-memory lab (it runs in the guest and
// is linked statically for that). It creates FILE two pages long but sparse
// (no blocks: ftruncate), makes the file and its name durable (fsync of both),
// maps it — `--map sync` with MAP_SHARED_VALIDATE | MAP_SYNC, `--map shared`
// with plain MAP_SHARED — and fills page 1 with a known pattern. That store
// makes the filesystem allocate the page's block. Then it flushes the
// pattern's cache lines (clflush + sfence: what persistent memory needs where
// the CPU caches are not persistent) and prints "ACK 1" — no msync, no fsync.
// It then waits for the host to pull the plug.
//
// `--check FILE` (after the plug, in the next boot) prints whether page 1
// holds the pattern: stored=intact, stored=zeros (the block is gone: a hole)
// stored=other, or stored=short (FILE ends before page 1's end); and the
// file's size and allocated 512-byte blocks.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch09_dax_store --map sync|shared FILE\n"
    "       ch09_dax_store --check FILE\n"
    "  Creates sparse FILE, stores a pattern into its page 1 through a mapping\n"
    "  (MAP_SHARED_VALIDATE|MAP_SYNC or plain MAP_SHARED), prints ACK 1 and waits.\n"
    "  --check prints whether page 1 holds the pattern.\n";

constexpr std::size_t page = 4096;

char pattern_byte(std::size_t i) {
  return static_cast<char>('a' + i % 26);
}

int check(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);  // a FIFO does not block
  if (fd < 0) return mbe::report_errno("open " + path, errno);
  struct stat status {};
  std::vector<char> bytes(page, 0);
  const bool regular = ::fstat(fd, &status) == 0 && S_ISREG(status.st_mode);
  const ssize_t got = regular ? ::pread(fd, bytes.data(), page, page) : -1;
  const int error = errno;
  ::close(fd);
  if (!regular) {
    std::fprintf(stderr, "ch09_dax_store: %s is not a regular file\n", path.c_str());
    return 1;
  }
  if (got < 0) return mbe::report_errno("pread " + path, error);
  if (got < static_cast<ssize_t>(page)) {
    mbe::print_line("stored=short size=" + std::to_string(status.st_size));
    return 0;
  }
  std::size_t matching = 0, zeros = 0;
  for (std::size_t i = 0; i < page; ++i) {
    if (bytes[i] == pattern_byte(i)) ++matching;
    if (bytes[i] == 0) ++zeros;
  }
  const char* stored = matching == page ? "intact" : zeros == page ? "zeros" : "other";
  mbe::print_line("stored=" + std::string(stored) + " size=" + std::to_string(status.st_size) +
                  " blocks_512=" + std::to_string(status.st_blocks));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  mbe::report_file_size_limit_as_error();  // past RLIMIT_FSIZE: an EFBIG message, not SIGXFSZ
  const char* map = nullptr;
  bool check_only = false;
  const char* operands[1] = {};
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, operands,
          {mbe::Option::text("--map", map), mbe::Option::toggle("--check", check_only)}))
    return *exit_status;
  const std::string path = operands[0];
  if (check_only) return check(path);
  const std::string_view kind = map != nullptr ? map : "";
  if (kind != "sync" && kind != "shared") {
    std::fprintf(stderr, "ch09_dax_store: --map must be sync or shared\n%.*s",
                 static_cast<int>(usage.size()), usage.data());
    return 2;
  }

  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return mbe::report_errno("open " + path, errno);
  const auto fail = [&path](const std::string& call, int error) {
    ::unlink(path.c_str());  // created here (O_EXCL): nothing is left behind
    return mbe::report_errno(call, error);
  };
  // Size and name durable, no block allocated: the store below allocates it.
  if (::ftruncate(fd, 2 * page) != 0) return fail("ftruncate", errno);
  if (::fsync(fd) != 0) return fail("fsync", errno);
  const std::string directory =
      path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/') + 1);
  const int directory_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_fd < 0 || ::fsync(directory_fd) != 0) return fail("fsync " + directory, errno);
  ::close(directory_fd);

  // [store]
  const int flags = kind == "sync" ? MAP_SHARED_VALIDATE | MAP_SYNC : MAP_SHARED;
  void* mapping = ::mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, flags, fd, 0);
  if (mapping == MAP_FAILED) return fail("mmap", errno);
  char* target = static_cast<char*>(mapping) + page;
  for (std::size_t i = 0; i < page; ++i) target[i] = pattern_byte(i);  // faults, allocates
#if defined(__x86_64__)
  for (std::size_t line = 0; line < page; line += 64) _mm_clflush(target + line);
  _mm_sfence();
#endif
  mbe::print_line("mapped=" + std::string(kind) + " ACK follows");
  mbe::print_line("ACK 1");  // no msync, no fsync: durable only if MAP_SYNC did its job
  // [store]
  for (;;) ::pause();
}
