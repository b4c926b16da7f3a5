// commit_state — update a state struct in a mapped file and make it durable with msync(MS_SYNC).
//
// Usage: ch01_commit_state FILE [--add N] [--note TEXT]
//
// Creates FILE with an initial state if it does not exist (and fsyncs its
// directory, so the new name survives a crash too), or maps the existing one
// after checking it is a state file. Then it adds N (default 1) to the
// counter, sets the note, and commits: msync(MS_SYNC) on the state's range.
// When this program prints "committed", the state is on the disk; on any
// error it says which call failed and exits non-zero.
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/mapped_file.hpp"
#include "msync/shrink_guard.hpp"
#include "state.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch01_commit_state FILE [--add N] [--note TEXT]\n"
    "  Adds N (default 1) to the counter of the state in FILE (created if missing),\n"
    "  optionally sets its note (at most 47 bytes), and commits with msync(MS_SYNC).\n";

// Creates a file holding a fresh state, durable including its directory entry.
mbe::MappedFile create_state_file(const std::filesystem::path& path) {
  auto file = mbe::MappedFile::create(path, sizeof(ch01::AppState));
  auto& state = file.object<ch01::AppState>();
  state.magic = ch01::state_magic;
  state.version = ch01::state_version;
  file.sync_or_throw(0, sizeof state);
  if (mbe::Failure failure; file.sync_parent_directory(failure))
    mbe::throw_error(failure.call, failure.error);
  return file;
}
}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  std::uint64_t add = 1;
  const char* note = nullptr;
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, {&path, 1},
          {mbe::Option::number("--add", add, 0, 1'000'000'000), mbe::Option::text("--note", note)}))
    return *exit_status;
  if (note != nullptr && std::strlen(note) >= sizeof(ch01::AppState::note)) {
    std::cerr << "ch01_commit_state: --note takes at most 47 bytes\n";
    return 2;
  }

  try {
    std::error_code ignored;  // "cannot tell" is treated as "missing": create then fails clearly
    auto file = std::filesystem::exists(path, ignored) ? mbe::MappedFile::open(path)
                                                       : create_state_file(path);
    mbe::exit_when_shrunk(file, "ch01_commit_state");  // truncated meanwhile: a message, not SIGBUS
    if (auto why = ch01::why_not_a_state(file.bytes().data(), file.size()); !why.empty()) {
      std::cerr << "ch01_commit_state: " << path << ": " << why << "; the file was not changed\n";
      return 1;
    }
    // Numbers read from a file are checked before they are used: no silent wrap-around.
    if (const auto& now = file.object<ch01::AppState>();
        now.counter > UINT64_MAX - add || now.commits == UINT64_MAX) {
      std::cerr << "ch01_commit_state: " << path << ": the counter (" << now.counter
                << ") or the commit count (" << now.commits
                << ") would overflow; the file was not changed\n";
      return 1;
    }
    // [commit]
    auto& state = file.object<ch01::AppState>();
    state.counter += add;
    state.commits += 1;
    if (note != nullptr) std::strncpy(state.note, note, sizeof state.note - 1);

    // The commit: msync needs a page-aligned start; offset 0 of a mapping is.
    if (auto error = file.sync(0, sizeof state, mbe::SyncMode::synchronous))
      return mbe::report_error("msync", error);  // not durable: say so, never pretend
    // [commit]
    std::cout << "committed: counter=" << state.counter << " commits=" << state.commits
              << " note=\"" << state.note << "\"\n";
  } catch (const std::exception& error) {
    std::cerr << error.what() << '\n';
    return 1;
  }
  return 0;
}
