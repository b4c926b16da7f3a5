#include "msync/shrink_guard.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace mbe {
namespace {

// Set before the handler is installed, read only by it: plain statics suffice.
const volatile std::byte* guarded_begin = nullptr;
const volatile std::byte* guarded_end = nullptr;
char message[512];
std::size_t message_length = 0;

void on_sigbus(int, siginfo_t* info, void*) {
  const auto* fault = static_cast<const volatile std::byte*>(info->si_addr);
  if ((info->si_code == BUS_ADRERR || info->si_code == BUS_OBJERR) && fault >= guarded_begin &&
      fault < guarded_end) {
    // Only async-signal-safe calls here: write and _exit.
    if (::write(STDERR_FILENO, message, message_length) < 0) ::_exit(1);
    ::_exit(1);
  }
  // Not ours. A fault: returning re-runs the access, which now kills. A
  // SIGBUS sent by a process (kill, raise: si_code <= 0) re-runs nothing:
  // sent again, it is delivered, with the default action, on return.
  ::signal(SIGBUS, SIG_DFL);
  if (info->si_code <= 0) ::raise(SIGBUS);
}

void append(std::string_view text) {
  const std::size_t room = sizeof message - 1 - message_length;
  const std::size_t length = std::min(room, text.size());
  std::memcpy(message + message_length, text.data(), length);
  message_length += length;
}

}  // namespace

void exit_when_shrunk(const MappedFile& file, std::string_view program) noexcept {
  message_length = 0;
  append(program);
  append(": ");
  append(file.path().native());
  append(": the file shrank under its mapping (SIGBUS reading past its end)");
  message[message_length++] = '\n';
  guarded_begin = file.bytes().data();
  guarded_end = file.bytes().data() + file.size();
  struct sigaction action {};
  action.sa_sigaction = on_sigbus;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGBUS, &action, nullptr);
}

}  // namespace mbe
