// sees_writes — a MAP_SHARED mapping sees another process's write() at once, no MS_INVALIDATE.
//
// Usage: ch03_sees_writes FILE [--rounds N]
//
// Creates FILE (one page; it must not exist yet) and maps it. A child process
// then writes the numbers 1..N (default 10000) into the file with pwrite(),
// one at a time; after each write the parent reads the number through its
// mapping — no msync, no MS_INVALIDATE — and counts how often it was already
// there. On Linux it always is: read(), write() and every MAP_SHARED mapping
// use the same page-cache pages.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/mapped_file.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch03_sees_writes FILE [--rounds N]\n"
    "  A child pwrite()s 1..N (default 10000) into new FILE; the parent checks each\n"
    "  value is visible through its MAP_SHARED mapping at once.\n";

// Child: for each round, write the value, then tell the parent; wait for its go-ahead.
[[noreturn]] void writer(int fd, std::uint64_t rounds, int to_parent, int from_parent) {
  for (std::uint64_t value = 1; value <= rounds; ++value) {
    char go = 0;
    if (::pwrite(fd, &value, sizeof value, 0) != sizeof value || ::write(to_parent, "w", 1) != 1 ||
        ::read(from_parent, &go, 1) != 1)
      ::_exit(1);
  }
  ::_exit(0);
}
}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  std::uint64_t rounds = 10000;
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, {&path, 1}, {mbe::Option::number("--rounds", rounds, 1, 10'000'000)}))
    return *exit_status;
  try {
    auto file = mbe::MappedFile::create(path, mbe::page_size());
    int to_parent[2];
    int to_child[2];
    if (::pipe2(to_parent, O_CLOEXEC) != 0 || ::pipe2(to_child, O_CLOEXEC) != 0)
      return mbe::report_errno("pipe2", errno);
    const pid_t child = ::fork();
    if (child < 0) return mbe::report_errno("fork", errno);
    if (child == 0) writer(file.fd(), rounds, to_parent[1], to_child[0]);
    // The child's ends, closed here: if the child dies, the parent's read sees
    // end-of-file instead of waiting forever on a pipe it keeps open itself.
    ::close(to_parent[1]);
    ::close(to_child[0]);
    std::signal(SIGPIPE, SIG_IGN);  // ... and its write to a dead child fails with EPIPE, no signal

    // [see]
    std::uint64_t seen = 0;
    for (std::uint64_t expected = 1; expected <= rounds; ++expected) {
      char done = 0;
      if (::read(to_parent[0], &done, 1) != 1) break;  // the child wrote `expected`
      std::uint64_t in_mapping = 0;
      std::memcpy(&in_mapping, file.bytes().data(), sizeof in_mapping);  // no msync, no invalidate
      if (in_mapping == expected) ++seen;
      if (::write(to_child[1], "g", 1) != 1) break;
    }
    // [see]
    int status = 0;
    ::waitpid(child, &status, 0);
    std::cout << "seen at once through the mapping: " << seen << " of " << rounds << " writes\n";
    return seen == rounds && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
  } catch (const std::exception& error) {
    std::cerr << error.what() << '\n';
    return 1;
  }
}
