// record_bench — what durability costs a record stream: records/s and
// producer→consumer latency for none, per-record MS_SYNC and group commit.
//
// Usage: ch05_record_bench [--records N] [--runs R] [--dir DIR]
//
// Each run creates a fresh record file in DIR (default: the current
// directory; use a real disk, not tmpfs, where msync costs nothing), forks a
// consumer that follows it and timestamps every record, and produces N
// records (default 1000). The modes take turns run by run (interleaved, so a
// slow moment of the disk hurts all of them alike); the table shows min /
// median / max over R runs (default 3). This is a program, not a test: the
// numbers depend on the disk.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string_view>
#include <vector>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/shrink_guard.hpp"
#include "record_stream.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch05_record_bench [--records N] [--runs R] [--dir DIR]\n"
    "  Times N records (default 1000) per run, R interleaved runs (default 3) of each\n"
    "  durability mode, in DIR (default .), and prints a Markdown table.\n";

struct Latency { double p50_us = 0, p99_us = 0; };
struct RunResult { double records_per_s = 0; Latency latency; };

double percentile(std::vector<double> values, double fraction) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1))];
}

// The consumer, in a child process: follows the file, measures each record's
// age when it is seen, and sends p50 and p99 back through a pipe.
// It succeeds only when it saw the producer finish after all @p records: a
// consumer that gave up (no record for 30 s) or met a bad file fails the run,
// it does not report the latencies of the records it happened to see.
[[noreturn]] void consume(const std::filesystem::path& path, std::uint32_t records,
                          int result_pipe) {
  std::vector<double> ages_us;
  mbe::Failure failure;
  const auto file = mbe::MappedFile::open(path, failure, mbe::Access::read_only);
  ch05::FileHeader trusted{};  // record size and capacity: from this checked copy only
  const bool usable = !failure && ch05::read_header(file.bytes(), trusted).empty();
  const char ready = usable ? 'R' : 'E';  // the producer waits for this: latency, not start-up time
  if (::write(result_pipe, &ready, 1) != 1) ::_exit(1);
  bool complete = false;
  if (usable) {
    mbe::exit_when_shrunk(file, "ch05_record_bench (consumer)");
    const auto& header = file.object<ch05::FileHeader>();
    std::uint64_t seen = 0;
    ch05::WaitResult result;
    while ((result = ch05::wait_for_records(header, seen, std::chrono::seconds(30))) ==
           ch05::WaitResult::more_records) {
      const auto now = ch05::monotonic_ns();
      const auto committed =
          std::min<std::uint64_t>(ch05::load_committed(header), trusted.capacity);
      for (; seen < committed; ++seen) {
        ch05::RecordHeader record{};
        std::memcpy(&record, file.bytes().data() + ch05::record_offset(seen, trusted.record_size),
                    sizeof record);
        ages_us.push_back(static_cast<double>(now - record.written_ns) / 1000.0);
      }
    }
    complete = result == ch05::WaitResult::finished && seen == records;
  }
  const Latency latency{percentile(ages_us, 0.50), percentile(ages_us, 0.99)};
  const bool sent = ::write(result_pipe, &latency, sizeof latency) == sizeof latency;
  ::_exit(sent && complete ? 0 : 1);
}

RunResult run_once(const std::filesystem::path& path, ch05::Durability durability, std::uint32_t records) {
  ch05::ProducerOptions options;
  options.capacity = records;
  options.durability = durability;
  auto producer = ch05::RecordProducer::create(path, options);
  // Ours now: removed on every path out, failures included (unlink cannot throw).
  struct RemoveWhenDone {
    const std::filesystem::path& path;
    ~RemoveWhenDone() { ::unlink(path.c_str()); }
  } remove_when_done{path};
  int pipe_ends[2];
  if (::pipe2(pipe_ends, O_CLOEXEC) != 0) throw mbe::Error(mbe::describe_error("pipe2", mbe::last_error()), mbe::last_error());
  const pid_t child = ::fork();
  if (child < 0) throw mbe::Error(mbe::describe_error("fork", mbe::last_error()), mbe::last_error());
  if (child == 0) consume(path, records, pipe_ends[1]);
  ::close(pipe_ends[1]);
  char ready = 0;
  if (::read(pipe_ends[0], &ready, 1) != 1 || ready != 'R') throw std::runtime_error("the consumer could not start");
  const auto start = std::chrono::steady_clock::now();
  for (std::uint32_t i = 0; i < records; ++i) producer.append();
  producer.finish();
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  RunResult result{static_cast<double>(records) / elapsed.count(), {}};
  const bool received = ::read(pipe_ends[0], &result.latency, sizeof result.latency) == sizeof result.latency;
  ::close(pipe_ends[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  if (!received || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("the consumer process failed: it did not see all " +
                             std::to_string(records) + " records and the finish");
  return result;
}

std::string min_median_max(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  char text[96];
  std::snprintf(text, sizeof text, "%.0f / %.0f / %.0f", values.front(), values[values.size() / 2], values.back());
  return text;
}
}  // namespace

int main(int argc, char** argv) {
  std::uint64_t records = 1000, runs = 3;
  const char* directory = ".";
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, {},
          {mbe::Option::number("--records", records, 1, 1'000'000), mbe::Option::number("--runs", runs, 1, 100),
           mbe::Option::text("--dir", directory)}))
    return *exit_status;

  constexpr std::array modes{ch05::Durability::none, ch05::Durability::per_record, ch05::Durability::group};
  std::array<std::vector<RunResult>, modes.size()> results;
  try {
    for (std::uint64_t run = 0; run < runs; ++run)
      for (std::size_t mode = 0; mode < modes.size(); ++mode) {  // interleaved: none, record, group, none, ...
        const auto path = std::filesystem::path(directory) / ("ch05_bench." + std::to_string(::getpid()) + ".rec");
        results[mode].push_back(run_once(path, modes[mode], static_cast<std::uint32_t>(records)));
      }
  } catch (const std::exception& error) {
    std::cerr << "ch05_record_bench: " << error.what() << '\n';
    return 1;
  }
  std::cout << "| durability | records/s (min / median / max) | latency p50 µs | latency p99 µs |\n"
            << "|---|---|---|---|\n";
  for (std::size_t mode = 0; mode < modes.size(); ++mode) {
    std::vector<double> rates, p50s, p99s;
    for (const auto& result : results[mode]) {
      rates.push_back(result.records_per_s);
      p50s.push_back(result.latency.p50_us);
      p99s.push_back(result.latency.p99_us);
    }
    std::cout << "| " << ch05::durability_name(modes[mode]) << " | " << min_median_max(rates) << " | "
              << min_median_max(p50s) << " | " << min_median_max(p99s) << " |\n";
  }
  std::cout << "\n" << records << " records of 64 bytes per run, " << runs
            << " interleaved runs per mode; group commit = 64 records or 10 ms.\n";
  return 0;
}
