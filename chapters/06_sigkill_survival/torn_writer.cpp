// torn_writer — update a 64 KiB state again and again, naively in place or
// with the commit-marker + checksum protocol, until killed.
//
// Usage: ch06_torn_writer FILE --layout naive|checked [--generations N]
//
// Creates FILE (it must not exist) and writes generations 1, 2, ... N
// (default 0: until killed). Most of the time is spent in the middle of an
// update, so a SIGKILL at a random moment almost always cuts one short.
#include <iostream>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/mapped_file.hpp"
#include "torn_state.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch06_torn_writer FILE --layout naive|checked [--generations N]\n"
    "  Creates FILE and rewrites its 64 KiB state N times (default 0 = until killed):\n"
    "  in place (naive) or in two checksummed, committed slots (checked).\n";
}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  const char* layout = "";
  std::uint64_t generations = 0;
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, {&path, 1},
          {mbe::Option::text("--layout", layout),
           mbe::Option::number("--generations", generations, 0, UINT64_MAX - 1)}))
    return *exit_status;
  const std::string_view chosen = layout;
  if (chosen != "naive" && chosen != "checked") {
    std::cerr << "ch06_torn_writer: --layout takes naive or checked\n" << usage;
    return 2;
  }

  try {
    if (chosen == "naive") {
      auto file = mbe::MappedFile::create(path, sizeof(ch06::NaiveState));
      auto& state = file.object<ch06::NaiveState>();
      state.magic = ch06::naive_magic;
      for (std::uint64_t g = 1; generations == 0 || g <= generations; ++g)
        ch06::write_naive(state, g);
    } else {
      auto file = mbe::MappedFile::create(path, sizeof(ch06::CheckedState));
      auto& state = file.object<ch06::CheckedState>();
      state.magic = ch06::checked_magic;
      for (std::uint64_t g = 1; generations == 0 || g <= generations; ++g)
        ch06::write_checked(state, g);
    }
  } catch (const std::exception& error) {
    std::cerr << "ch06_torn_writer: " << error.what() << '\n';
    return 1;
  }
  std::cout << "wrote " << generations << " generations (" << layout << ")\n";
  return 0;
}
