// mbe::probe_page_cache calls cachestat(2) through mbe_cachestat(), a weak
// function of the library (common/src/page_cache.cpp). The strong one here, in
// the test program, replaces it: it makes the same system call and adjusts
// the answer. (Defining syscall() itself would have to forward a variadic
// call whose argument count it cannot know.)
#include "pretend_writeback.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
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

}  // namespace

extern "C" long mbe_cachestat(int fd, const void* range, void* answer,
                              unsigned int flags) noexcept {
  const long result = ::syscall(cachestat_number, fd, range, answer, flags);
  if (!active.load()) return result;
  ++probes;
  if (result == 0 && pretend_left.load() > 0) {
    --pretend_left;
    auto* counts = static_cast<CachestatAnswer*>(answer);
    const std::uint64_t unwritten = counts->dirty + counts->writeback;
    counts->writeback = unwritten > 0 ? unwritten : 1;
    counts->dirty = 0;
    if (counts->cache < counts->writeback) counts->cache = counts->writeback;
  }
  return result;
}

namespace mbe::testing {

PretendWriteback::PretendWriteback(int probes_to_pretend) {
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
