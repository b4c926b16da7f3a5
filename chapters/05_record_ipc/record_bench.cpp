// record_bench — records/s at saturation, with a live follower, for each
// durability mode; and what one FUTEX_WAKE per record costs (before/after).
//
// Usage: ch05_record_bench [--records N] [--synced-records M] [--runs R] [--dir DIR]
//          [--wake sleepers|every|both] [--follower sleeping|spinning|adaptive]
//          [--prefault none|populate|fallocate]
//
// Each run creates a fresh record file in DIR (default .; use a real disk,
// not tmpfs, where msync costs nothing), starts a follower process, and
// produces as fast as it can: N records (default 200000) for durability none,
// M (default 2000) for record and group. --wake both runs each mode with the
// producer waking only sleepers and with the old FUTEX_WAKE per record, in
// the same run. Cases take turns run by run (a slow moment hurts all alike);
// the table shows min / median / max over R runs (default 3), and one
// key=value line per case. Latency is ch05_record_latency's job: here the
// follower is behind a saturating producer, so its lag measures the queue.
#include <unistd.h>
#include <array>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "bench_support.hpp"
#include "msync/cli.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch05_record_bench [--records N] [--synced-records M] [--runs R] [--dir DIR]\n"
    "         [--wake sleepers|every|both] [--follower sleeping|spinning|adaptive]\n"
    "         [--prefault none|populate|fallocate]\n"
    "  Records/s at saturation with a live follower: N records (default 200000) for\n"
    "  durability none, M (default 2000) for record and group, R interleaved runs\n"
    "  (default 3) in DIR (default .). --wake both: the old FUTEX_WAKE per record too.\n";

struct Case {
  ch05::Durability durability;
  ch05::WakePolicy wake;
  std::vector<double> rates, wakes, cpu;
};

void run_once(Case& one, const std::filesystem::path& path, std::uint32_t records,
              ch05::bench::FollowStyle style, ch05::bench::Prefault prefault) {
  ch05::ProducerOptions options;
  options.capacity = records;
  options.durability = one.durability;
  options.wake = one.wake;
  auto producer = ch05::RecordProducer::create(path, options);
  struct RemoveWhenDone {  // ours now: removed on every path out
    const std::filesystem::path& path;
    ~RemoveWhenDone() { ::unlink(path.c_str()); }
  } remove_when_done{path};
  ch05::bench::apply_prefault(producer, prefault);
  auto follower = ch05::bench::Follower::start(path, records, style);
  const auto start = ch05::monotonic_ns();
  for (std::uint32_t i = 0; i < records; ++i) producer.append();
  producer.finish();
  const double seconds = static_cast<double>(ch05::monotonic_ns() - start) / 1e9;
  const auto report = follower.finish();
  one.rates.push_back(records / seconds);
  one.wakes.push_back(static_cast<double>(producer.wake_calls()));
  one.cpu.push_back(report.cpu_s);
}
}  // namespace

int main(int argc, char** argv) {
  std::uint64_t records = 200'000, synced_records = 2000, runs = 3;
  const char *directory = ".", *wake_text = "both", *style_text = "sleeping",
             *prefault_text = "none";
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, {},
          {mbe::Option::number("--records", records, 1, 10'000'000),
           mbe::Option::number("--synced-records", synced_records, 1, 1'000'000),
           mbe::Option::number("--runs", runs, 1, 100), mbe::Option::text("--dir", directory),
           mbe::Option::text("--wake", wake_text), mbe::Option::text("--follower", style_text),
           mbe::Option::text("--prefault", prefault_text)}))
    return *exit_status;
  const auto wake = ch05::parse_wake_policy(wake_text);
  const auto style = ch05::bench::parse_follow_style(style_text);
  const auto prefault = ch05::bench::parse_prefault(prefault_text);
  if ((!wake && std::string_view(wake_text) != "both") || !style || !prefault) {
    std::cerr << "ch05_record_bench: --wake takes sleepers, every or both; --follower sleeping, "
                 "spinning or adaptive;"
                 " --prefault none, populate or fallocate\n"
              << usage;
    return 2;
  }
  std::vector<Case> cases;
  for (const auto durability :
       {ch05::Durability::none, ch05::Durability::per_record, ch05::Durability::group})
    for (const auto policy : {ch05::WakePolicy::sleepers_only, ch05::WakePolicy::every_record})
      if (!wake || *wake == policy) cases.push_back({durability, policy, {}, {}, {}});
  try {
    for (std::uint64_t run = 0; run < runs; ++run)
      for (auto& one : cases) {  // interleaved: every case once per run
        const auto path = std::filesystem::path(directory) /
                          ("ch05_bench." + std::to_string(::getpid()) + ".rec");
        const auto count = one.durability == ch05::Durability::none ? records : synced_records;
        run_once(one, path, static_cast<std::uint32_t>(count), *style, *prefault);
      }
  } catch (const std::exception& error) {
    std::cerr << "ch05_record_bench: " << error.what() << '\n';
    return 1;
  }
  std::cout << "| durability | wake | records/s (min / median / max) | ns/record (median) | "
               "FUTEX_WAKE calls "
               "(median) | follower CPU s (median) |\n|---|---|---|---|---|---|\n";
  for (const auto& one : cases)
    std::cout << "| " << ch05::durability_name(one.durability) << " | "
              << ch05::wake_policy_name(one.wake) << " | " << ch05::bench::min_median_max(one.rates)
              << " | " << static_cast<std::uint64_t>(1e9 / ch05::bench::median(one.rates)) << " | "
              << static_cast<std::uint64_t>(ch05::bench::median(one.wakes)) << " | "
              << ch05::bench::median(one.cpu) << " |\n";
  std::cout << '\n'
            << records << " records (none), " << synced_records
            << " (record, group) of 64 bytes per run, " << runs << " runs; follower " << style_text
            << ", prefault " << prefault_text << "; group commit = 64 records or 10 ms.\n";
  for (const auto& one : cases) {
    const std::string name = std::string(ch05::durability_name(one.durability)) + "_" +
                             std::string(ch05::wake_policy_name(one.wake));
    std::cout << name
              << "_records_per_s=" << static_cast<std::uint64_t>(ch05::bench::median(one.rates))
              << ' ' << name
              << "_wake_calls=" << static_cast<std::uint64_t>(ch05::bench::median(one.wakes))
              << '\n';
  }
  return 0;
}
