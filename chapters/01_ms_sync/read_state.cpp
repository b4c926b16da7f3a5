// read_state — read the committed state from another process, through a read-only mapping.
//
// Usage: ch01_read_state FILE
//
// Maps FILE read-only (it can never modify it), checks that it is a state
// file of a version it understands, and prints the state. A missing, empty,
// short or foreign file gets a message saying exactly what is wrong, and a
// non-zero exit status.
#include <cstring>
#include <iostream>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/mapped_file.hpp"
#include "msync/shrink_guard.hpp"
#include "state.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch01_read_state FILE\n"
    "  Prints the state stored in FILE by ch01_commit_state. Never modifies FILE.\n";
}

int main(int argc, char** argv) {
  const char* path = nullptr;
  if (auto exit_status = mbe::parse_command_line(argc, argv, usage, {&path, 1}))
    return *exit_status;
  try {
    // [read]
    const auto file = mbe::MappedFile::open(path, mbe::Access::read_only);
    mbe::exit_when_shrunk(file, "ch01_read_state");  // truncated meanwhile: a message, not SIGBUS
    if (auto why = ch01::why_not_a_state(file.bytes().data(), file.size()); !why.empty()) {
      std::cerr << "ch01_read_state: " << path << ": " << why << '\n';
      return 1;
    }
    // One copy, checked and printed: a writer changing the note meanwhile
    // cannot make the check pass and the print run past its end.
    ch01::AppState state{};
    std::memcpy(&state, file.bytes().data(), sizeof state);
    if (auto why = ch01::why_not_a_state(&state, sizeof state); !why.empty()) {
      std::cerr << "ch01_read_state: " << path << ": " << why << '\n';
      return 1;
    }
    // [read]
    std::cout << "counter: " << state.counter << "\ncommits: " << state.commits << "\nnote:    \""
              << state.note << "\"\n";
  } catch (const std::exception& error) {
    std::cerr << error.what() << '\n';
    return 1;
  }
  return 0;
}
