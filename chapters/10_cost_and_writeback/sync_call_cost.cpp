// sync_call_cost — what MappedFile::sync adds to a bare msync call.
//
// Usage: ch10_sync_call_cost DIR [--calls N] [--via raw|helper]
//
// In a one-page file in DIR it runs a loop of N (default 100000) calls, each
// a one-byte store followed by msync(MS_ASYNC) of that page: once calling
// `msync` directly (raw), once through MappedFile::sync (helper). MS_ASYNC is
// used because on Linux it starts no I/O (chapter 02): the loop measures the
// call, not the disk.
//
// Without --via it times both loops, interleaved over 15 rounds, and prints
// ns per call as min / median / max and the ratio of the medians. With --via
// it runs only that loop, once, untimed: the form to count instructions with
// `valgrind --tool=callgrind` (the chapter's test does: the difference of two
// loop lengths is the per-call count, the same on every run). Its file is
// removed at the end.
#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"
#include "msync/mapped_file.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch10_sync_call_cost DIR [--calls N] [--via raw|helper]\n"
    "  Times N store + msync(MS_ASYNC) calls on one page, raw and through\n"
    "  MappedFile::sync; with --via, runs that loop once, untimed (for callgrind).\n";

enum class Via { raw, helper };

// [the two loops]
bool raw_loop(mbe::MappedFile& file, std::uint64_t calls) {
  std::byte* const page = file.bytes().data();
  for (std::uint64_t call = 0; call < calls; ++call) {
    page[call & 63] = std::byte{1};
    if (::msync(page, file.size(), MS_ASYNC) != 0) return false;
  }
  return true;
}

bool helper_loop(mbe::MappedFile& file, std::uint64_t calls) {
  std::byte* const page = file.bytes().data();
  for (std::uint64_t call = 0; call < calls; ++call) {
    page[call & 63] = std::byte{1};
    if (file.sync(call & 63, 1, mbe::SyncMode::asynchronous)) return false;
  }
  return true;
}
// [the two loops]

bool run(Via via, mbe::MappedFile& file, std::uint64_t calls) {
  return via == Via::raw ? raw_loop(file, calls) : helper_loop(file, calls);
}

// Nanoseconds per call of one timed loop; nullopt when an msync failed (errno says why).
std::optional<double> timed(Via via, mbe::MappedFile& file, std::uint64_t calls) {
  const auto start = std::chrono::steady_clock::now();
  if (!run(via, file, calls)) return std::nullopt;
  const std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
  return took.count() / static_cast<double>(calls);
}

}  // namespace

int main(int argc, char** argv) {
  const char* dir = nullptr;
  std::uint64_t calls = 100000;
  const char* via_name = "";
  if (auto exit_status =
          mbe::parse_command_line(argc, argv, usage, {&dir, 1},
                                  {mbe::Option::number("--calls", calls, 15, 100'000'000),
                                   mbe::Option::text("--via", via_name)}))
    return *exit_status;
  const std::string_view via = via_name;
  if (!via.empty() && via != "raw" && via != "helper") {
    std::fprintf(stderr, "ch10_sync_call_cost: --via must be raw or helper, not '%s'\n%s", via_name,
                 usage.data());
    return 2;
  }

  const auto path = std::filesystem::path(dir) / "sync_call_cost.bin";
  mbe::Failure failure;
  auto file = mbe::MappedFile::create(path, mbe::page_size(), failure, 0600);
  if (failure) {
    std::fprintf(stderr, "%s\n", failure.describe().c_str());
    return 1;
  }
  const mbe::RemovedAtScopeExit remove_file(path);

  if (!via.empty()) {  // one untimed loop, for an instruction count
    if (!run(via == "raw" ? Via::raw : Via::helper, file, calls))
      return mbe::report_error("msync", mbe::last_error());
    std::printf("via=%s calls=%llu\n", via_name, static_cast<unsigned long long>(calls));
    return 0;
  }
  std::vector<double> raw;
  std::vector<double> helper;
  for (int round = 0; round < 15; ++round) {  // interleaved: a noisy moment hurts both
    const auto raw_round = timed(Via::raw, file, calls / 15);
    const auto helper_round = timed(Via::helper, file, calls / 15);
    if (!raw_round || !helper_round) return mbe::report_error("msync", mbe::last_error());
    raw.push_back(*raw_round);
    helper.push_back(*helper_round);
  }
  std::sort(raw.begin(), raw.end());
  std::sort(helper.begin(), helper.end());
  std::printf("| loop | ns per call: min | median | max |\n|---|---|---|---|\n");
  std::printf("| raw msync | %.0f | %.0f | %.0f |\n", raw.front(), raw[7], raw.back());
  std::printf("| MappedFile::sync | %.0f | %.0f | %.0f |\n", helper.front(), helper[7],
              helper.back());
  std::printf("raw_median_ns=%.1f helper_median_ns=%.1f ratio=%.3f\n", raw[7], helper[7],
              helper[7] / raw[7]);
  return 0;
}
