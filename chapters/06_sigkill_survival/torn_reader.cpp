// torn_reader — read what a killed ch06_torn_writer left, as a naive reader
// or with the commit-marker + checksum protocol, and say whether the state it
// accepted is torn (a check only this demonstration can make: every word of
// a whole generation holds the generation's number).
//
// Usage: ch06_torn_reader FILE --layout naive|checked
//
// Prints "accepted generation G: consistent" or "... : TORN", or "rejected".
// Exit status: 0 accepted a consistent state; 4 accepted a torn one;
// 5 accepted nothing; 1 a missing, short or foreign file.
#include <iostream>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/mapped_file.hpp"
#include "msync/shrink_guard.hpp"
#include "torn_state.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch06_torn_reader FILE --layout naive|checked\n"
    "  Reads the state a ch06_torn_writer left in FILE and reports what it accepted.\n";
}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  const char* layout = "";
  if (auto exit_status = mbe::parse_command_line(argc, argv, usage, {&path, 1},
                                                 {mbe::Option::text("--layout", layout)}))
    return *exit_status;
  const std::string_view chosen = layout;
  if (chosen != "naive" && chosen != "checked") {
    std::cerr << "ch06_torn_reader: --layout takes naive or checked\n" << usage;
    return 2;
  }

  mbe::Failure failure;  // names the call that failed: open, fstat, mmap...
  const auto file = mbe::MappedFile::open(path, failure, mbe::Access::read_only);
  if (failure) {
    std::cerr << "ch06_torn_reader: " << path << ": " << failure.describe() << '\n';
    return 1;
  }
  mbe::exit_when_shrunk(file, "ch06_torn_reader");  // truncated meanwhile: a message, not SIGBUS
  const std::size_t needed =
      chosen == "naive" ? sizeof(ch06::NaiveState) : sizeof(ch06::CheckedState);
  if (file.size() != needed) {
    std::cerr << "ch06_torn_reader: " << path << ": " << file.size() << " bytes, a " << layout
              << " state has " << needed << '\n';
    return 1;
  }
  const auto outcome = chosen == "naive" ? ch06::read_naive(file.object<ch06::NaiveState>())
                                         : ch06::read_checked(file.object<ch06::CheckedState>());
  if (outcome.detail == "wrong magic number") {
    std::cerr << "ch06_torn_reader: " << path << ": not a " << layout
              << " state (wrong magic number)\n";
    return 1;
  }
  if (!outcome.accepted) {
    std::cout << "rejected: " << outcome.detail << '\n';
    return 5;
  }
  std::cout << "accepted generation " << outcome.generation << ": "
            << (outcome.torn ? "TORN" : "consistent") << " (" << outcome.detail << ")\n";
  return outcome.torn ? 4 : 0;
}
