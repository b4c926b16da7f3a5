// qemu's human monitor on a unix socket: see qemu_monitor.hpp.
#include "qemu_monitor.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "lab_files.hpp"
#include "msync/errors.hpp"

namespace ch07 {

QemuMonitor::QemuMonitor(const std::filesystem::path& socket_path) {
  sockaddr_un address{};
  if (socket_path.string().size() >= sizeof address.sun_path)
    trial_failed("the path of qemu's monitor socket is too long: " + socket_path.string());
  fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) mbe::throw_errno("socket");
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket_path.c_str(), sizeof address.sun_path - 1);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const int error = errno;
    ::close(fd_);
    mbe::throw_error("connect " + socket_path.string(),
                     std::error_code(error, std::generic_category()));
  }
  try {
    answer("(qemu) ");  // the banner
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

QemuMonitor::~QemuMonitor() {
  ::close(fd_);
}

std::string QemuMonitor::command(const std::string& line) {
  send(line);
  return answer("(qemu) ");
}

void QemuMonitor::quit() {
  send("quit");
  answer("");
}

void QemuMonitor::send(const std::string& line) {
  const std::string sent = line + '\n';
  if (::send(fd_, sent.data(), sent.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(sent.size()))
    mbe::throw_errno("send to qemu's monitor");
}

std::string QemuMonitor::answer(std::string_view prompt) {
  std::string text;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (prompt.empty() || text.find(prompt) == std::string::npos) {
    if (std::chrono::steady_clock::now() > deadline)
      trial_failed("qemu's monitor did not answer: " + text);
    pollfd watch{fd_, POLLIN, 0};
    if (::poll(&watch, 1, 100) <= 0) continue;
    char chunk[4096];
    const ssize_t got = ::read(fd_, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0 && prompt.empty()) break;  // qemu has closed the monitor: it exits
    if (got <= 0) trial_failed("qemu's monitor closed: " + text);
    text.append(chunk, static_cast<std::size_t>(got));
  }
  return text;
}

}  // namespace ch07
