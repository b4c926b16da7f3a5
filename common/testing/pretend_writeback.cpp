// cachestat(2) has no glibc wrapper: mbe::probe_page_cache calls it through
// syscall(). Defining syscall() here, in the test program, puts this
// function in front of the C library's for every caller in the program.
#include "pretend_writeback.hpp"

#include <dlfcn.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdarg>
#include <cstdint>

namespace {

#ifdef SYS_cachestat
constexpr long cachestat_number = SYS_cachestat;
#else
constexpr long cachestat_number = 451;
#endif

struct CachestatAnswer {  // struct cachestat of <linux/mman.h>
  std::uint64_t cache, dirty, writeback, evicted, recently_evicted;
};

std::atomic<int> pretend_left{0};
std::atomic<int> probes{0};
std::atomic<bool> active{false};

using SyscallFunction = long (*)(long, ...);

SyscallFunction real_syscall() {
  static const auto real = reinterpret_cast<SyscallFunction>(::dlsym(RTLD_NEXT, "syscall"));
  return real;
}

}  // namespace

extern "C" long syscall(long number, ...) noexcept {
  va_list arguments;
  va_start(arguments, number);
  long argument[6];
  for (auto& each : argument) each = va_arg(arguments, long);
  va_end(arguments);
  const long result = real_syscall()(number, argument[0], argument[1], argument[2], argument[3],
                                     argument[4], argument[5]);
  if (number != cachestat_number || !active.load()) return result;
  ++probes;
  if (result == 0 && pretend_left.load() > 0) {
    --pretend_left;
    auto* answer = reinterpret_cast<CachestatAnswer*>(argument[2]);
    const std::uint64_t unwritten = answer->dirty + answer->writeback;
    answer->writeback = unwritten > 0 ? unwritten : 1;
    answer->dirty = 0;
    if (answer->cache < answer->writeback) answer->cache = answer->writeback;
  }
  return result;
}

namespace mbe::testing {

PretendWriteback::PretendWriteback(int probes_to_pretend) {
  real_syscall();  // resolve it now, not inside a test's timing
  probes = 0;
  pretend_left = probes_to_pretend;
  active = true;
}

PretendWriteback::~PretendWriteback() {
  active = false;
  pretend_left = 0;
}

int PretendWriteback::probes_seen() const noexcept {
  return probes.load();
}

}  // namespace mbe::testing
