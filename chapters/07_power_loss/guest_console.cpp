// The guest at work: boot qemu, watch its serial console line by line until
// the moment to pull the plug. (The lab's other tools: lab_tools.cpp.)
#include "guest_console.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "guest_snapshot.hpp"
#include "msync/child_process.hpp"
#include "msync/cli.hpp"
#include "msync/errors.hpp"

namespace ch07 {

RunningGuest::RunningGuest(const Guest& guest, const Trial& trial, const Disk& disk,
                           std::string_view program)
    : trial_(trial),
      console_log_(trial.work /
                   (program == "writer" ? "console.log" : std::string(program) + "-console.log")) {
  const std::string words = guest_words(trial, disk, program);
  std::vector<std::string> argv;
  std::optional<std::filesystem::path> saved;
  if (disk.restorable) {
    argv = qemu_arguments(guest, trial, disk, saved_guest_command_line(trial));
    saved = saved_guest(guest, trial, argv);
  }
  if (saved) {
    saved_ = SavedGuestFile(*saved);  // noted before qemu starts: never one saved later
    argv.insert(argv.end(), {"-incoming", incoming_from(*saved)});
  } else {
    argv = qemu_arguments(guest, trial, disk, std::string(guest_kernel_arguments) + " " + words);
  }
  int console[2];
  // qemu's standard input, the restored guest's serial line: a socket, whose
  // send() can say EPIPE for a qemu gone instead of raising SIGPIPE.
  int typed[2];
  if (::pipe2(console, O_CLOEXEC) != 0) mbe::throw_errno("pipe2");
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, typed) != 0) {
    ::close(console[0]);
    ::close(console[1]);
    mbe::throw_errno("socketpair");
  }
  try {
    qemu_.adopt(mbe::spawn_with_output(argv, console[1], typed[0]));
  } catch (...) {
    for (const int fd : {console[0], console[1], typed[0], typed[1]}) ::close(fd);
    throw;
  }
  ::close(console[1]);
  ::close(typed[0]);
  console_ = console[0];
  input_ = typed[1];
  if (saved) {
    parameters_ = "mbe.begin " + words + " mbe.end\n";  // typed at each WAITING (guest/init)
  }
  log_.open(console_log_, std::ios::binary);
}

RunningGuest::~RunningGuest() {
  if (console_ >= 0) ::close(console_);
  if (input_ >= 0) ::close(input_);
}

void RunningGuest::wait_for_ack(std::uint64_t ack) {
  const auto started = std::chrono::steady_clock::now();
  const auto ack_deadline = started + trial_.boot_timeout + std::chrono::seconds(300);
  const std::string console_log = console_log_.string();
  while (report_.acknowledged < ack && !report_.done) {
    const auto now = std::chrono::steady_clock::now();
    if (!report_.ready && restored() && now > started + restored_ready_timeout)
      restore_failed("printed no READY within " + std::to_string(restored_ready_timeout.count()) +
                     " s");
    if (!report_.ready && now > started + trial_.boot_timeout)
      throw LabUnavailable("the guest did not boot within " +
                           std::to_string(trial_.boot_timeout.count()) +
                           " s (console: " + console_log + ")");
    if (now > ack_deadline)
      throw mbe::Error("no ACK " + std::to_string(ack) +
                           " and no DONE within 300 s (console: " + console_log + ")",
                       std::make_error_code(std::errc::timed_out));
    if (!read_console(100)) qemu_exited("before the plug was pulled");
    if (!lab_error_.empty())
      throw mbe::Error(lab_error_, std::make_error_code(std::errc::io_error));
  }
}

void RunningGuest::wait_for_poweroff(std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (read_console(100)) {
    if (!lab_error_.empty())
      throw mbe::Error(lab_error_, std::make_error_code(std::errc::io_error));
    if (std::chrono::steady_clock::now() > deadline) {
      const std::string late = "did not power off within " + std::to_string(timeout.count()) + " s";
      if (restored()) restore_failed(late);
      throw mbe::Error("the guest " + late + " (console: " + console_log_.string() + ")",
                       std::make_error_code(std::errc::timed_out));
    }
  }
  if (restored() && !taken_) qemu_exited("before the restored guest took its words");
  qemu_.wait("qemu");
  log_.flush();
  if (!lab_error_.empty()) throw mbe::Error(lab_error_, std::make_error_code(std::errc::io_error));
}

ConsoleReport RunningGuest::after_the_plug() {
  qemu_.wait("qemu");
  while (read_console(0)) {  // lines printed before the kill are still in the pipe: they count too
  }
  return report_;
}

bool RunningGuest::read_console(int timeout_ms) {
  pollfd watch{console_, POLLIN, 0};
  if (::poll(&watch, 1, timeout_ms) <= 0) return timeout_ms > 0;  // nothing yet
  char chunk[4096];
  const ssize_t got = ::read(console_, chunk, sizeof chunk);
  if (got <= 0) return false;
  log_.write(chunk, got);
  log_.flush();  // whole for a reader while the guest runs: a hung one is looked at then
  pending_.append(chunk, static_cast<std::size_t>(got));
  take_lines();
  return true;
}

// Takes the complete lines out of what the console printed ("\r\n") and
// notes what they say. A line cut by the plug stays pending and never counts.
void RunningGuest::take_lines() {
  std::size_t end;
  while ((end = pending_.find('\n')) != std::string::npos) {
    std::string line = pending_.substr(0, end);
    pending_.erase(0, end + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line == "WAITING") {
      resumed_ = true;
      if (!taken_) type_parameters();
    } else if (line == "TAKEN")
      taken_ = true;
    else if (line == "READY")
      report_.ready = true;
    else if (line.starts_with("GUEST ") && line.find("kernel=") != std::string::npos) {
      report_.kernel = line.substr(line.find("kernel=") + 7);
      taken_ = true;  // a booted guest has its words on its command line
    } else if (line.starts_with("LAB ERROR"))
      lab_error_ = line;
    // A garbled number is no ACK.
    else if (const auto n = line.starts_with("ACK ")
                                ? mbe::parse_number(std::string_view(line).substr(4))
                                : std::nullopt)
      report_.acknowledged = std::max(report_.acknowledged, *n);
    else if (line == "DONE")
      report_.done = true;
  }
}

void RunningGuest::qemu_exited(std::string_view when) {
  std::string why =
      "qemu exited " + std::string(when) + " (console: " + console_log_.string() + ")";
  // A saved guest this qemu cannot load (damaged, or saved by another build
  // of qemu) goes, and the next trial saves the guest anew.
  if (restored() && !resumed_ && saved_.remove_if_unchanged())
    why += "; it could not restore " + saved_.path().string() + ", now removed";
  throw mbe::Error(why, std::make_error_code(std::errc::no_such_process));
}

// A restored guest that hangs (seen once in CI: an xfs guest saved under load
// printed nothing for 180 s after each restore; not understood) is a failure,
// not a lab that is unavailable, and its saved state goes with it.
void RunningGuest::restore_failed(std::string_view what) {
  std::string why = "the restored guest " + std::string(what);
  if (saved_.remove_if_unchanged())
    why += "; " + saved_.path().string() + " removed, the next trial saves anew";
  const std::string console = mbe::read_all(console_log_);
  const auto tail = console.size() > 2000 ? console.size() - 2000 : 0;
  throw mbe::Error(
      why + " (console: " + console_log_.string() + ", its end:\n" + console.substr(tail) + ")",
      std::make_error_code(std::errc::timed_out));
}

// A restored guest's words, typed at each of its WAITING lines until it has
// taken them. Ten seconds of asking means they never arrive whole.
void RunningGuest::type_parameters() {
  if (parameters_.empty()) return;  // a booted guest has them on its command line
  if (++typed_ > 50)
    throw mbe::Error(
        "the restored guest did not take its words (console: " + console_log_.string() + ")",
        std::make_error_code(std::errc::protocol_error));
  if (::send(input_, parameters_.data(), parameters_.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(parameters_.size()))  // a line is far below a socket's buffer
    mbe::throw_errno("send to qemu's serial input");
}

}  // namespace ch07
