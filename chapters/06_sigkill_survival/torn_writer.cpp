// torn_writer — update a 64 KiB state again and again, naively in place or
// with the commit-marker + checksum protocol, until killed.
//
// Usage: ch06_torn_writer FILE --layout naive|checked [--generations N]
//                         [--kill-self-in-update K]
//
// Creates FILE (it must not exist) and writes generations 1, 2, ... N
// (default 0: until killed). Most of the time is spent in the middle of an
// update, so a SIGKILL at a random moment usually cuts one short — but not
// always (while writeback runs, probably because the writer then waits in a
// write fault before the first store of an update). --kill-self-in-update K
// makes the cut certain: update K stops about halfway through its words and
// the writer dies by SIGKILL.
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <iostream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/mapped_file.hpp"
#include "torn_state.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch06_torn_writer FILE --layout naive|checked [--generations N]\n"
    "                        [--kill-self-in-update K]\n"
    "  Creates FILE and rewrites its 64 KiB state N times (default 0 = until killed):\n"
    "  in place (naive) or in two checksummed, committed slots (checked).\n"
    "  --kill-self-in-update K: SIGKILL itself halfway through update K.\n";

// Runs as the SIGSEGV handler: kill and getpid are async-signal-safe.
extern "C" void kill_self(int) {
  ::kill(::getpid(), SIGKILL);
}

// The cut: the page holding the update's middle word becomes read-only, so the
// first store into it faults, and the fault's handler sends SIGKILL. The words
// before that page hold the new generation, the rest the old one.
void cut_update_at(std::span<std::byte> mapping, const void* first_word, const void* middle_word) {
  const auto page_size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const auto middle =
      static_cast<std::size_t>(static_cast<const std::byte*>(middle_word) - mapping.data());
  std::byte* page = mapping.data() + (middle - middle % page_size);  // the mapping starts a page
  if (page <= static_cast<const std::byte*>(first_word))
    throw std::runtime_error("--kill-self-in-update: with " + std::to_string(page_size) +
                             "-byte pages the update's middle word shares a page with its first");
  struct sigaction action {};
  action.sa_handler = kill_self;
  sigemptyset(&action.sa_mask);
  if (::sigaction(SIGSEGV, &action, nullptr) != 0) mbe::throw_errno("sigaction");
  if (::mprotect(page, page_size, PROT_READ) != 0) mbe::throw_errno("mprotect");
}
}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  const char* layout = "";
  std::uint64_t generations = 0, kill_self_in_update = 0;
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, {&path, 1},
          {mbe::Option::text("--layout", layout),
           mbe::Option::number("--generations", generations, 0, UINT64_MAX - 1),
           mbe::Option::number("--kill-self-in-update", kill_self_in_update, 1, UINT64_MAX - 1)}))
    return *exit_status;
  const std::string_view chosen = layout;
  if (chosen != "naive" && chosen != "checked") {
    std::cerr << "ch06_torn_writer: --layout takes naive or checked\n" << usage;
    return 2;
  }
  if (generations != 0 && kill_self_in_update > generations) {
    std::cerr << "ch06_torn_writer: --kill-self-in-update K must not exceed --generations N\n";
    return 2;
  }
  constexpr std::size_t middle = ch06::state_words / 2;

  try {
    if (chosen == "naive") {
      auto file = mbe::MappedFile::create(path, sizeof(ch06::NaiveState));
      auto& state = file.object<ch06::NaiveState>();
      state.magic = ch06::naive_magic;
      for (std::uint64_t g = 1; generations == 0 || g <= generations; ++g) {
        if (g == kill_self_in_update)
          cut_update_at(file.bytes(), &state.words[0], &state.words[middle]);
        ch06::write_naive(state, g);
      }
    } else {
      auto file = mbe::MappedFile::create(path, sizeof(ch06::CheckedState));
      auto& state = file.object<ch06::CheckedState>();
      state.magic = ch06::checked_magic;
      for (std::uint64_t g = 1; generations == 0 || g <= generations; ++g) {
        if (g == kill_self_in_update) {
          const auto& words = state.slots[g % 2].words;
          cut_update_at(file.bytes(), &words[0], &words[middle]);
        }
        ch06::write_checked(state, g);
      }
    }
  } catch (const std::exception& error) {
    std::cerr << "ch06_torn_writer: " << error.what() << '\n';
    return 1;
  }
  std::cout << "wrote " << generations << " generations (" << layout << ")\n";
  return 0;
}
