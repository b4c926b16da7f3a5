// record_cost — where an append's time goes: the clock read, the checksum,
// filling a record, the publish (release store vs the seq_cst store and
// wake-word load of wake-only-sleepers), and whole appends into a fresh
// file whose pages fault on first store, are populated up front
// (MADV_POPULATE_WRITE) or were fallocate()d. No follower, durability none.
//
// Usage: ch05_record_cost [--records N] [--runs R] [--dir DIR]
//
// Each step runs N times (default 1000000) per run; the table shows ns per
// step, min / median / max over R runs (default 5), then one key=value line
// per step (medians). For the prefault rows, the prefault's own time is
// shown per record separately.
#include <unistd.h>

#include <array>
#include <atomic>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "bench_support.hpp"
#include "msync/cli.hpp"
#include "msync/crc32c.hpp"
#include "msync/files.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch05_record_cost [--records N] [--runs R] [--dir DIR]\n"
    "  ns per step of an append (N times per run, default 1000000; R runs, default 5),\n"
    "  and whole appends into a fresh file in DIR (default .) by prefault mode.\n";

// Times @p step run @p count times; returns ns per step.
template <typename Step>
double ns_per(std::uint64_t count, Step&& step) {
  const auto start = ch05::monotonic_ns();
  for (std::uint64_t i = 0; i < count; ++i) step(i);
  return static_cast<double>(ch05::monotonic_ns() - start) / static_cast<double>(count);
}

// Appends @p count records into a fresh file prepared by @p prefault; returns
// {ns per append, prefault ns per record}.
std::array<double, 2> appends(const std::filesystem::path& path, std::uint32_t count,
                              ch05::bench::Prefault prefault) {
  ch05::ProducerOptions options;
  options.capacity = count;
  options.durability = ch05::Durability::none;
  auto producer = ch05::RecordProducer::create(path, options);
  const mbe::RemovedAtScopeExit remove_when_done(path);  // ours now: removed on every path out
  const double prefault_ns =
      ns_per(1, [&](std::uint64_t) { ch05::bench::apply_prefault(producer, prefault); });
  return {ns_per(count, [&](std::uint64_t) { producer.append(); }), prefault_ns / count};
}
}  // namespace

int main(int argc, char** argv) {
  std::uint64_t records = 1'000'000, runs = 5;
  const char* directory = ".";
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, {},
          {mbe::Option::number("--records", records, 1, 10'000'000),
           mbe::Option::number("--runs", runs, 1, 100), mbe::Option::text("--dir", directory)}))
    return *exit_status;
  const std::array<std::string_view, 9> names{"clock_read",
                                              "checksum_60_bytes",
                                              "fill_record",
                                              "release_store",
                                              "seq_cst_store_and_wake_word_load",
                                              "append_fresh_file",
                                              "append_populated",
                                              "append_fallocated",
                                              "prefault_populate_per_record"};
  std::array<std::vector<double>, names.size()> ns;
  alignas(64) std::array<std::byte, 64> slot{};
  ch05::FileHeader header{};
  std::uint64_t sink = 0;
  const auto path =
      std::filesystem::path(directory) / ("ch05_cost." + std::to_string(::getpid()) + ".rec");
  const auto count = static_cast<std::uint32_t>(records);
  try {
    for (std::uint64_t run = 0; run < runs; ++run) {
      ns[0].push_back(ns_per(records, [&](std::uint64_t) { sink += ch05::monotonic_ns(); }));
      ns[1].push_back(ns_per(records, [&](std::uint64_t i) {
        slot[0] = static_cast<std::byte>(i);  // a new input each time: nothing to hoist
        sink += mbe::crc32c(std::span(slot).first(60));
      }));
      ns[2].push_back(ns_per(records, [&](std::uint64_t i) { ch05::fill_record(slot, i, i); }));
      ns[3].push_back(ns_per(records, [&](std::uint64_t i) {
        std::atomic_ref(header.committed)
            .store(static_cast<std::uint32_t>(i), std::memory_order_release);
      }));
      ns[4].push_back(ns_per(records, [&](std::uint64_t i) {
        std::atomic_ref(header.committed)
            .store(static_cast<std::uint32_t>(i), std::memory_order_seq_cst);
        // Nobody waits: no call. Counted, so that the compiler keeps it.
        if (ch05::wake_followers(header, ch05::WakePolicy::sleepers_only)) ++sink;
      }));
      ns[5].push_back(appends(path, count, ch05::bench::Prefault::none)[0]);
      const auto populated = appends(path, count, ch05::bench::Prefault::populate);
      ns[6].push_back(populated[0]);
      ns[8].push_back(populated[1]);
      ns[7].push_back(appends(path, count, ch05::bench::Prefault::allocate)[0]);
    }
  } catch (const std::exception& error) {
    std::cerr << "ch05_record_cost: " << error.what() << '\n';
    return 1;
  }
  std::cout << "| step | ns (min / median / max) |\n|---|---|\n";
  for (std::size_t i = 0; i < names.size(); ++i)
    std::cout << "| " << names[i] << " | " << ch05::bench::min_median_max(ns[i], 1) << " |\n";
  std::cout << '\n'
            << records << " steps per run, " << runs << " runs, 64-byte records (checksum "
            << (sink & 1) << " parity, printed so that no step is optimised away).\n";
  for (std::size_t i = 0; i < names.size(); ++i)
    std::cout << names[i] << "_ns=" << ch05::bench::median(ns[i])
              << (i + 1 == names.size() ? '\n' : ' ');
  return 0;
}
