#include "msync/page_cache.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "msync/errors.hpp"

namespace mbe {
namespace {

// Layouts from include/uapi/linux/mman.h (Linux 6.5). Not in Debian 12's headers.
struct KernelCachestatRange {
  std::uint64_t off;
  std::uint64_t len;
};
struct KernelCachestat {
  std::uint64_t nr_cache;
  std::uint64_t nr_dirty;
  std::uint64_t nr_writeback;
  std::uint64_t nr_evicted;
  std::uint64_t nr_recently_evicted;
};

#ifdef SYS_cachestat
constexpr long cachestat_syscall = SYS_cachestat;
#else
constexpr long cachestat_syscall = 451;  // same number on every architecture since 6.5
#endif

}  // namespace
}  // namespace mbe

// The one call of cachestat(2), which has no glibc wrapper. A weak function of
// its own, which the compiler does not inline: an exercise check defines a
// strong one that pretends writeback (common/testing/pretend_writeback.cpp),
// and only this call is affected.
extern "C" [[gnu::weak]] long mbe_cachestat(int fd, const void* range, void* answer,
                                            unsigned int flags) noexcept {
  return ::syscall(mbe::cachestat_syscall, fd, range, answer, flags);
}

namespace mbe {

std::error_code probe_page_cache(int fd, std::uint64_t offset, std::uint64_t length,
                                 PageCacheState& state) noexcept {
  KernelCachestatRange range{offset, length};
  KernelCachestat raw{};
  if (mbe_cachestat(fd, &range, &raw, 0U) != 0) return last_error();
  state = {raw.nr_cache, raw.nr_dirty, raw.nr_writeback, raw.nr_evicted, raw.nr_recently_evicted};
  return {};
}

std::string page_cache_probe_hint(const std::error_code& error) {
  switch (error.value()) {
    case ENOSYS:
      return "cachestat(2) needs Linux 6.5 or newer";
    case EPERM:
      return "cachestat(2) reports only on files the caller may open for writing";
    default:
      return "";
  }
}

PageCacheState page_cache_state(int fd, std::uint64_t offset, std::uint64_t length) {
  PageCacheState state;
  if (auto error = probe_page_cache(fd, offset, length, state)) {
    std::string message = describe_error("cachestat", error);
    if (auto hint = page_cache_probe_hint(error); !hint.empty()) message += ": " + hint;
    throw Error(message, error);
  }
  return state;
}

}  // namespace mbe
