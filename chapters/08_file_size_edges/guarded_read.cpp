// guarded_read — catching SIGBUS from a shrunk file, carefully or naively.
//
// Usage: ch08_guarded_read FILE [--guard careful|naive|none]
//
// Creates FILE (two pages; it must not exist yet), maps it, then truncates it
// to one page — as another process might — and reads one word from each page
// through the chosen guard:
//   careful  the second read reports "SIGBUS caught" and the program goes on;
//   naive    compiled with -O2, the guard is broken: SIGBUS kills the program;
//   none     the careful handler is installed but the read is not guarded:
//            the handler must not swallow a fault it does not own, so
//            SIGBUS kills the program.
// Exit status 0 when both reads were handled.
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/mapped_file.hpp"
#include "sigbus_guard.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch08_guarded_read FILE [--guard careful|naive|none]\n"
    "  Maps a new two-page FILE, truncates it to one page and reads a word from\n"
    "  each page through a SIGBUS guard (default careful).\n";

void print_read(const char* what, const std::optional<std::uint64_t>& value) {
  if (value)
    std::printf("%s: read %llu\n", what, static_cast<unsigned long long>(*value));
  else
    std::printf("%s: SIGBUS caught - the page is past the end of file\n", what);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  const char* guard = "careful";
  if (auto exit_status = mbe::parse_command_line(argc, argv, usage, {&path, 1},
                                                 {mbe::Option::text("--guard", guard)}))
    return *exit_status;
  const std::string kind = guard;
  if (kind != "careful" && kind != "naive" && kind != "none") {
    std::fprintf(stderr, "--guard must be careful, naive or none, not '%s'\n%s", guard,
                 std::string(usage).c_str());
    return 2;
  }

  try {
    const std::size_t page = mbe::page_size();
    auto file = mbe::MappedFile::create(path, 2 * page);
    file.object<std::uint64_t>(0) = 1;
    file.object<std::uint64_t>(page) = 2;
    if (::truncate(path, static_cast<off_t>(page)) != 0)
      return mbe::report_errno("truncate", errno);
    std::printf("%s guard; the file now ends after the first page\n", guard);

    const auto* first = &file.object<std::uint64_t>(0);
    const auto* second = &file.object<std::uint64_t>(page);
    if (kind == "naive") {
      ch08::install_naive_guard();
      print_read("first page", ch08::read_naive(first));
      print_read("second page", ch08::read_naive(second));
    } else {
      ch08::install_careful_guard();
      print_read("first page", ch08::read_guarded(first));
      if (kind == "none") {
        std::printf("second page, unguarded ...\n");
        std::fflush(stdout);
        print_read("second page", *second);
      } else {
        print_read("second page", ch08::read_guarded(second));
      }
    }
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 1;
  }
}
