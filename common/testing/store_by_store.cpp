// Store-by-store stepping: the region is made read-only, so each store into
// it faults (SIGSEGV); the handler opens the page and sets the trap flag, the
// store runs, the CPU traps right after it (SIGTRAP), and that handler closes
// the page again and sends a copy of the region through a pipe. The parent
// puts each copy into its own (untouched) region and calls the inspector
// there, in ordinary code: the child's handler may have interrupted a store
// made inside a sanitizer's runtime, which holds locks the inspector's own
// atomic loads would wait for. The child leaves by _exit; its handlers make
// only async-signal-safe calls (mprotect, write, _exit).
#include "store_by_store.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <vector>

#include "msync/errors.hpp"
#include "msync/mapped_file.hpp"
#include "testing.hpp"

namespace mbe::testing {

PageRegion::PageRegion(std::size_t bytes) {
  const std::size_t page = page_size();
  size_ = (bytes + page - 1) / page * page;
  void* memory = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) throw std::runtime_error(describe_error("mmap", last_error()));
  data_ = static_cast<std::byte*>(memory);
}

PageRegion::~PageRegion() {
  ::munmap(data_, size_);
}

bool can_step_stores() noexcept {
#if defined(__x86_64__)
  return true;
#else
  return false;
#endif
}

namespace {

struct Report {  // in a shared page: written by the child, read by the parent
  bool finished;
  char trouble[512];
};

// The child's stepping state; only the child's signal handlers use it.
Report* report = nullptr;
std::uintptr_t region_begin = 0;
std::uintptr_t region_end = 0;
std::uintptr_t open_pages[4] = {};
int open_count = 0;
int snapshot_pipe = -1;

void copy_text(char (&to)[512], const char* from) {
  std::strncpy(to, from, sizeof to - 1);
  to[sizeof to - 1] = '\0';
}

#if defined(__x86_64__)
constexpr long long trap_flag = 0x100;

void set_protection(std::uintptr_t page, int protection) {
  ::mprotect(reinterpret_cast<void*>(page), page_size(), protection);
}

// The whole region, as it is now, down the pipe; a parent gone away ends the child.
void send_snapshot() {
  std::uintptr_t at = region_begin;
  while (at < region_end) {
    const ssize_t written =
        ::write(snapshot_pipe, reinterpret_cast<const void*>(at), region_end - at);
    if (written <= 0) ::_exit(0);
    at += static_cast<std::uintptr_t>(written);
  }
}

void on_store_fault(int /*signal*/, siginfo_t* info, void* context) {
  const auto address = reinterpret_cast<std::uintptr_t>(info->si_addr);
  if (address < region_begin || address >= region_end || open_count == 4) {
    ::signal(SIGSEGV, SIG_DFL);  // a fault of the code's own: let it crash as it would
    return;
  }
  const std::uintptr_t page = address & ~(static_cast<std::uintptr_t>(page_size()) - 1);
  set_protection(page, PROT_READ | PROT_WRITE);
  open_pages[open_count++] = page;  // an instruction can write across two pages
  static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_EFL] |= trap_flag;
}

void after_store(int /*signal*/, siginfo_t* /*info*/, void* context) {
  if (open_count == 0) return;  // not our trap
  static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_EFL] &= ~trap_flag;
  for (int i = 0; i < open_count; ++i) set_protection(open_pages[i], PROT_READ);
  open_count = 0;
  send_snapshot();
}

int step_in_child(std::span<std::byte> region, const std::function<void()>& body) {
  struct sigaction action {};
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  action.sa_sigaction = on_store_fault;
  if (::sigaction(SIGSEGV, &action, nullptr) != 0) return 1;
  action.sa_sigaction = after_store;
  if (::sigaction(SIGTRAP, &action, nullptr) != 0) return 1;
  if (::mprotect(region.data(), region.size(), PROT_READ) != 0) {
    copy_text(report->trouble, describe_error("mprotect", last_error()).c_str());
    return 1;
  }
  try {
    body();
  } catch (const std::exception& error) {
    copy_text(report->trouble, (std::string("the code under test threw: ") + error.what()).c_str());
    return 1;
  }
  report->finished = true;
  return 0;
}
#endif

}  // namespace

StoreByStore inspect_after_every_store(std::span<std::byte> region,
                                       const std::function<void()>& body,
                                       const std::function<const char*()>& inspect) {
  StoreByStore result;
#if !defined(__x86_64__)
  (void)region;
  (void)body;
  (void)inspect;
  result.trouble = "store-by-store stepping needs x86-64";
  return result;
#else
  const auto page = page_size();
  if (reinterpret_cast<std::uintptr_t>(region.data()) % page != 0 || region.size() % page != 0)
    throw std::invalid_argument("inspect_after_every_store: the region must be whole pages");
  void* shared =
      ::mmap(nullptr, sizeof(Report), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) throw std::runtime_error(describe_error("mmap", last_error()));
  report = new (shared) Report{};
  int pipe_ends[2];
  if (::pipe2(pipe_ends, O_CLOEXEC) != 0)
    throw std::runtime_error(describe_error("pipe2", last_error()));
  ::fcntl(pipe_ends[1], F_SETPIPE_SZ, 1 << 20);  // fewer, larger writes; the default works too
  region_begin = reinterpret_cast<std::uintptr_t>(region.data());
  region_end = region_begin + region.size();
  snapshot_pipe = pipe_ends[1];
  const std::vector<std::byte> original(region.begin(), region.end());
  const pid_t child_pid = start_child([&] {
    ::close(pipe_ends[0]);
    return step_in_child(region, body);
  });
  ::close(pipe_ends[1]);
  // Each snapshot into the region, then the inspector: as if the child had been killed there.
  std::size_t filled = 0;
  for (;;) {
    const ssize_t got = ::read(pipe_ends[0], region.data() + filled, region.size() - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;  // the child is done (or died)
    filled += static_cast<std::size_t>(got);
    if (filled < region.size()) continue;
    filled = 0;
    ++result.stores;
    if (const char* complaint = inspect(); complaint != nullptr) {
      result.wrong_after = result.stores;
      result.complaint = complaint;
      ::kill(child_pid, SIGKILL);
      break;
    }
  }
  ::close(pipe_ends[0]);
  const auto child = wait_for(child_pid);
  std::copy(original.begin(), original.end(), region.begin());  // the body ran in the child only
  result.trouble = report->trouble;
  if (result.trouble.empty() && result.wrong_after == 0 && !report->finished) {
    result.trouble = child.signal != 0
                         ? "the code under test died of signal " + std::to_string(child.signal) +
                               " (" + ::strsignal(child.signal) + ") after " +
                               std::to_string(result.stores) + " stores"
                         : "the code under test stopped early (exit status " +
                               std::to_string(child.exit_code) + ")";
  }
  ::munmap(shared, sizeof(Report));
  report = nullptr;
  return result;
#endif
}

}  // namespace mbe::testing
