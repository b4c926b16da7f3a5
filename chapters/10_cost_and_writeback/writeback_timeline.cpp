// writeback_timeline — dirty pages nobody syncs: when does the kernel write them?
//
// Usage: ch10_writeback_timeline FILE [--seconds N] [--second-store-after S]
//        ch10_writeback_timeline FILE --rewrite-every-ms M [--seconds N]
//
// Creates FILE (two pages; it must not exist yet), maps it and never calls
// msync. It watches the pages with cachestat(2) every 50 ms and prints when
// each one is written back by the kernel's periodic writeback, for N seconds
// (default 45) or until nothing is left dirty.
//
// Default: stores into page 0 at once and into page 1 S seconds later
// (default 10). Writeback expiry (vm.dirty_expire_centisecs, 30 s here) is
// kept per *inode*, from the moment the file first became dirty: page 1 is
// written together with page 0, long before it is 30 s old.
//
// --rewrite-every-ms: stores into page 0 every M ms without pause. Each
// writeback cleans the page, the next store dirties it again (a
// write-protect fault) and restarts the file's expiry clock: the page is written about once per
// expiry interval, not once per flusher wake-up (5 s).
// Ends with a summary line for scripts.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch10_writeback_timeline FILE [--seconds N] [--second-store-after S]\n"
    "       ch10_writeback_timeline FILE --rewrite-every-ms M [--seconds N]\n"
    "  Dirties pages of a new FILE without msync and prints when the kernel's\n"
    "  periodic writeback cleans them.\n";

using Clock = std::chrono::steady_clock;

std::string sysctl(const char* name) {
  std::ifstream file(std::string("/proc/sys/vm/") + name);
  std::string value;
  return file >> value ? value : "?";
}

bool page_dirty(int fd, std::size_t page_index) {
  const std::size_t page = mbe::page_size();
  const auto state = mbe::page_cache_state(fd, page_index * page, page);
  return state.dirty + state.writeback > 0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  std::uint64_t seconds = 45;
  std::uint64_t second_store_after = 10;
  std::uint64_t rewrite_every_ms = 0;
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, {&path, 1},
          {mbe::Option::number("--seconds", seconds, 1, 3600),
           mbe::Option::number("--second-store-after", second_store_after, 0, 3600),
           mbe::Option::number("--rewrite-every-ms", rewrite_every_ms, 1, 60'000)}))
    return *exit_status;

  try {
    std::printf("vm.dirty_expire_centisecs=%s vm.dirty_writeback_centisecs=%s\n",
                sysctl("dirty_expire_centisecs").c_str(),
                sysctl("dirty_writeback_centisecs").c_str());
    auto file = mbe::MappedFile::create(path, 2 * mbe::page_size());
    const auto start = Clock::now();
    const auto elapsed = [&] {
      return std::chrono::duration<double>(Clock::now() - start).count();
    };
    const auto store = [&](std::size_t page_index) {
      auto& byte = file.bytes()[page_index * mbe::page_size()];
      byte = static_cast<std::byte>(static_cast<unsigned char>(byte) + 1);
    };

    // [rewrite]
    if (rewrite_every_ms > 0) {
      int writebacks = 0;
      double first_writeback = 0;
      store(0);
      auto last_store = Clock::now();
      bool seen_since_store = false;
      while (elapsed() < static_cast<double>(seconds)) {
        // Watch closely between stores: writeback clears the page's dirty flag
        // when it starts, and the next store sets it again.
        std::this_thread::sleep_for(std::chrono::microseconds(100));
        const auto state = mbe::page_cache_state(file.fd(), 0, mbe::page_size());
        if (state.dirty == 0 && !seen_since_store) {
          seen_since_store = true;
          if (++writebacks == 1) first_writeback = elapsed();
          std::printf("t=%5.1f s  page 0 is being written back; storing again\n", elapsed());
        }
        if (Clock::now() - last_store >= std::chrono::milliseconds(rewrite_every_ms)) {
          store(0);
          last_store = Clock::now();
          seen_since_store = false;
        }
      }
      std::printf("rewrites_for_s=%llu writebacks=%d first_writeback_s=%.1f\n",
                  static_cast<unsigned long long>(seconds), writebacks, first_writeback);
      return 0;
    }
    // [rewrite]

    // [two pages]
    double dirtied[2] = {0, -1};
    double cleaned[2] = {-1, -1};
    store(0);
    std::printf("t=%5.1f s  page 0 stored\n", elapsed());
    while (elapsed() < static_cast<double>(seconds) && (cleaned[0] < 0 || cleaned[1] < 0)) {
      if (dirtied[1] < 0 && elapsed() >= static_cast<double>(second_store_after)) {
        store(1);
        dirtied[1] = elapsed();
        std::printf("t=%5.1f s  page 1 stored\n", dirtied[1]);
      }
      for (std::size_t p = 0; p < 2; ++p) {
        if (dirtied[p] >= 0 && cleaned[p] < 0 && !page_dirty(file.fd(), p)) {
          cleaned[p] = elapsed();
          std::printf("t=%5.1f s  page %zu written back, %.1f s after its store\n", cleaned[p], p,
                      cleaned[p] - dirtied[p]);
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    // [two pages]
    std::printf("page0_dirty_s=%.1f page1_dirty_s=%.1f\n",
                cleaned[0] < 0 ? -1 : cleaned[0] - dirtied[0],
                cleaned[1] < 0 ? -1 : cleaned[1] - dirtied[1]);
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 1;
  }
}
