/// @file page_cache.hpp
/// @brief A page-cache probe over `cachestat(2)`: how much of a file range is
/// cached, dirty (not yet written back) and under writeback, right now.
///
/// This is how every chapter *sees* durability instead of guessing it: a page
/// that is dirty exists only in RAM; after a successful `msync(MS_SYNC)` the
/// range must show zero dirty and zero writeback pages.
///
/// `cachestat` is Linux ≥ 6.5 (syscall 451 on x86-64). Debian 12's glibc has
/// no wrapper, so the probe calls `syscall()` directly. Counts are in pages of
/// the base page size (4 KiB here).
#pragma once

#include <cstdint>
#include <string>
#include <system_error>

namespace mbe {

/// @brief Page counts reported by `cachestat(2)` for one file range.
struct PageCacheState {
  std::uint64_t cached = 0;            ///< pages present in the page cache
  std::uint64_t dirty = 0;             ///< modified in RAM, not yet written back
  std::uint64_t writeback = 0;         ///< being written to the device now
  std::uint64_t evicted = 0;           ///< evicted from the cache
  std::uint64_t recently_evicted = 0;  ///< evicted recently (refault distance)
};

/// @brief Reads the page-cache state of bytes `[offset, offset + length)` of
/// the file open on @p fd. `length == 0` means "to the end of the file".
///
/// @return an empty error code on success; `ENOSYS` on kernels before 6.5;
/// `EPERM` when the caller could not have opened the file for writing (the
/// kernel refuses to reveal cache state of files you cannot write, see
/// cachestat(2)); `EBADF` for a bad descriptor.
std::error_code probe_page_cache(int fd, std::uint64_t offset, std::uint64_t length,
                                 PageCacheState& state) noexcept;

/// @brief Throwing form of probe_page_cache(); the exception's `what()` reads
/// `cachestat: ENOSYS (Function not implemented)` plus a hint.
PageCacheState page_cache_state(int fd, std::uint64_t offset = 0, std::uint64_t length = 0);

/// @brief One-line hint for a probe failure, e.g. why ENOSYS or EPERM happened.
std::string page_cache_probe_hint(const std::error_code& error);

}  // namespace mbe
