// record_latency — producer→follower latency at a paced rate, for a sleeping
// follower (FUTEX_WAIT), a spinning one (reloads the counter, a whole CPU)
// and an adaptive one (spins 20 µs, then sleeps), with the CPU each burns.
//
// Usage: ch05_record_latency [--rate R] [--records N] [--runs R] [--dir DIR]
//
// Each run creates a fresh record file in DIR (default .), starts a follower,
// and produces N records (default 10000) at R records/s (default: 10000, then
// 100000), paced by a busy-waiting producer, durability none. A record's
// latency is the time from the start of its fill to the follower seeing it
// (CLOCK_MONOTONIC in both processes). Rates and follower styles take turns
// run by run; the table shows min / median / max over R runs (default 3) of
// each run's percentile, and one key=value line per case. Compare with
// ch05_record_bench, which saturates the producer: there the lag is a queue.
#include <unistd.h>

#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "bench_support.hpp"
#include "msync/cli.hpp"
#include "msync/files.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch05_record_latency [--rate R] [--records N] [--runs R] [--dir DIR]\n"
    "  Latency of N records (default 10000) published at R records/s (default 10000\n"
    "  and 100000), sleeping, adaptive and spinning followers, R interleaved runs (default 3).\n";

using ch05::bench::FollowStyle;
struct Case {
  std::uint64_t rate;
  FollowStyle style;
  std::vector<double> p50, p99, max, cpu_percent, wakes_per_record;
};

void run_once(Case& one, const std::filesystem::path& path, std::uint32_t records) {
  ch05::ProducerOptions options;
  options.capacity = records;
  options.durability = ch05::Durability::none;
  auto producer = ch05::RecordProducer::create(path, options);
  const mbe::RemovedAtScopeExit remove_when_done(path);  // ours now: removed on every path out
  auto follower = ch05::bench::Follower::start(path, records, one.style);
  const std::uint64_t interval_ns = 1'000'000'000ULL / one.rate;
  const auto start = ch05::monotonic_ns();
  for (std::uint32_t i = 0; i < records; ++i) {
    while (ch05::monotonic_ns() < start + i * interval_ns) {
    }  // paced: a busy wait (a sleep this short would oversleep)
    producer.append();
  }
  producer.finish();
  const auto report = follower.finish();
  one.p50.push_back(report.p50_us);
  one.p99.push_back(report.p99_us);
  one.max.push_back(report.max_us);
  one.cpu_percent.push_back(100.0 * report.cpu_s / report.wall_s);
  one.wakes_per_record.push_back(static_cast<double>(producer.wake_calls()) / records);
}
}  // namespace

int main(int argc, char** argv) {
  std::uint64_t rate = 0, records = 10'000, runs = 3;
  const char* directory = ".";
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, {},
          {mbe::Option::number("--rate", rate, 1, 10'000'000),
           mbe::Option::number("--records", records, 1, 10'000'000),
           mbe::Option::number("--runs", runs, 1, 100), mbe::Option::text("--dir", directory)}))
    return *exit_status;
  std::vector<Case> cases;
  for (const std::uint64_t one_rate :
       rate != 0 ? std::vector{rate} : std::vector<std::uint64_t>{10'000, 100'000})
    for (const auto style : {FollowStyle::sleeping, FollowStyle::adaptive, FollowStyle::spinning})
      cases.push_back({one_rate, style, {}, {}, {}, {}, {}});
  try {
    for (std::uint64_t run = 0; run < runs; ++run)
      for (auto& one : cases)
        run_once(one,
                 std::filesystem::path(directory) /
                     ("ch05_latency." + std::to_string(::getpid()) + ".rec"),
                 static_cast<std::uint32_t>(records));
  } catch (const std::exception& error) {
    std::cerr << "ch05_record_latency: " << error.what() << '\n';
    return 1;
  }
  using ch05::bench::min_median_max;
  std::cout << "| records/s | follower | p50 µs | p99 µs | max µs | follower CPU % | FUTEX_WAKE "
               "per record |\n"
               "|---|---|---|---|---|---|---|\n";
  for (const auto& one : cases)
    std::cout << "| " << one.rate << " | " << ch05::bench::follow_style_name(one.style) << " | "
              << min_median_max(one.p50, 1) << " | " << min_median_max(one.p99, 1) << " | "
              << min_median_max(one.max, 0) << " | " << min_median_max(one.cpu_percent, 0) << " | "
              << min_median_max(one.wakes_per_record, 2) << " |\n";
  std::cout << '\n'
            << records << " records of 64 bytes per run, " << runs
            << " runs, durability none; min / median / max over the runs.\n";
  for (const auto& one : cases) {
    const std::string name = "rate" + std::to_string(one.rate) + "_" +
                             std::string(ch05::bench::follow_style_name(one.style));
    std::cout << name << "_p50_us=" << ch05::bench::median(one.p50) << ' ' << name
              << "_cpu_percent=" << ch05::bench::median(one.cpu_percent) << '\n';
  }
  return 0;
}
