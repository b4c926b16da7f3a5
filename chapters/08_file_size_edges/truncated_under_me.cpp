// truncated_under_me — another process shrinks the file under your mapping.
//
// Usage: ch08_truncated_under_me FILE
//
// Creates FILE (two pages, it must not exist yet), maps it MAP_SHARED and
// stores into both pages. Then a child process — any other process would do —
// truncates the file to one page. The mapping still covers two pages, but the
// second page no longer has a file behind it: the next access to it raises
// SIGBUS and kills this program. Checking the size with fstat() first does
// not help: the other process can shrink the file between the check and the
// access. The defences are on the chapter page and in ch08_sealed_memfd.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/mapped_file.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch08_truncated_under_me FILE\n"
    "  Maps a new two-page FILE, lets a child process truncate it to one page,\n"
    "  then reads the second page: SIGBUS kills the program.\n";

}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  if (auto exit_status = mbe::parse_command_line(argc, argv, usage, {&path, 1}))
    return *exit_status;

  try {
    const std::size_t page = mbe::page_size();
    auto file = mbe::MappedFile::create(path, 2 * page);
    file.bytes()[0] = std::byte{'a'};
    file.bytes()[page] = std::byte{'b'};
    std::printf("mapped %zu bytes, stored into both pages\n", file.size());

    // [truncate]
    std::fflush(stdout);  // the child must not inherit unprinted lines
    const pid_t child = ::fork();
    if (child < 0) return mbe::report_errno("fork", errno);
    if (child == 0) {  // the "other process": it knows only the path
      const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
      if (fd < 0)
        _exit(mbe::report_errno(std::string("open ") + path, errno));  // names the call itself
      _exit(::ftruncate(fd, static_cast<off_t>(page)) == 0 ? 0
                                                           : mbe::report_errno("ftruncate", errno));
    }
    int status = 0;
    if (::waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::fprintf(stderr, "the child could not truncate %s (see its message above)\n", path);
      return 1;
    }
    std::printf("another process truncated the file to %zu bytes\n", page);
    std::printf("first page still reads '%c'\n", static_cast<char>(file.bytes()[0]));
    std::printf("reading the second page ...\n");
    std::fflush(stdout);  // SIGBUS kills us on the next line
    const auto second = static_cast<char>(file.bytes()[page]);
    // [truncate]
    std::printf("read '%c' - not expected: the kernel should have sent SIGBUS\n", second);
    return 1;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 1;
  }
}
