// The follower process, pre-faulting, and statistics of chapter 05's benchmarks.
#include "bench_support.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "msync/errors.hpp"

namespace ch05::bench {
namespace {
[[noreturn]] void throw_errno(const std::string& call) {
  const auto error = mbe::last_error();
  throw mbe::Error(mbe::describe_error(call, error), error);
}

double cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// The child: follows to the finish and writes a FollowerReport, or exits 1.
[[noreturn]] void follow(const std::filesystem::path& path, std::uint64_t records,
                         FollowStyle style, int fd) {
  mbe::Failure failure;
  auto file = mbe::MappedFile::open(
      path, failure, mbe::Access::read_write);  // sets the sleeper bit of the wake word only
  FileHeader trusted{};
  const bool usable =
      !failure && read_header(file.bytes(), trusted).empty() && trusted.capacity >= records;
  const char ready = usable ? 'R' : 'E';
  if (::write(fd, &ready, 1) != 1 || !usable) ::_exit(1);
  std::vector<double> ages_us;
  ages_us.reserve(records);
  auto& header = file.object<FileHeader>();
  const double cpu_at_start = cpu_seconds();
  const auto start = monotonic_ns();
  const auto give_up = start + 60'000'000'000ULL;  // a bound that only catches a hang
  std::uint64_t seen = 0;
  bool finished = false;
  while (!finished) {
    if (style != FollowStyle::spinning) {
      const auto spin =
          style == FollowStyle::adaptive ? adaptive_spin : std::chrono::microseconds(0);
      const auto result = wait_for_records(header, seen, std::chrono::seconds(30), spin);
      if (result == WaitResult::timed_out) break;
      finished = result == WaitResult::finished;
    } else {
      finished = load_finished(header);  // before the count: the final count is then seen too
      if (load_committed(header) == seen && !finished && monotonic_ns() < give_up) continue;
    }
    // The count first, then the clock: every record below the count was filled before `now`.
    const std::uint64_t committed = std::min<std::uint64_t>(load_committed(header), records);
    const auto now = monotonic_ns();
    for (; seen < committed; ++seen) {
      RecordHeader record{};
      std::memcpy(&record, file.bytes().data() + record_offset(seen, trusted.record_size),
                  sizeof record);
      ages_us.push_back(static_cast<double>(now - record.written_ns) / 1000.0);
    }
    if (monotonic_ns() >= give_up) break;
  }
  FollowerReport report{percentile(ages_us, 0.50), percentile(ages_us, 0.99),
                        ages_us.empty() ? 0 : *std::max_element(ages_us.begin(), ages_us.end()),
                        cpu_seconds() - cpu_at_start,
                        static_cast<double>(monotonic_ns() - start) / 1e9};
  const bool sent = ::write(fd, &report, sizeof report) == sizeof report;
  ::_exit(sent && finished && seen == records ? 0 : 1);
}
}  // namespace

std::optional<FollowStyle> parse_follow_style(std::string_view name) {
  if (name == "sleeping") return FollowStyle::sleeping;
  if (name == "spinning") return FollowStyle::spinning;
  if (name == "adaptive") return FollowStyle::adaptive;
  return std::nullopt;
}
std::string_view follow_style_name(FollowStyle style) {
  if (style == FollowStyle::adaptive) return "adaptive";
  return style == FollowStyle::spinning ? "spinning" : "sleeping";
}

Follower Follower::start(const std::filesystem::path& path, std::uint64_t records,
                         FollowStyle style) {
  int pipe_ends[2];
  if (::pipe2(pipe_ends, O_CLOEXEC) != 0) throw_errno("pipe2");
  const pid_t child = ::fork();
  if (child < 0) throw_errno("fork");
  if (child == 0) follow(path, records, style, pipe_ends[1]);
  ::close(pipe_ends[1]);
  Follower follower(child, pipe_ends[0]);
  char ready = 0;
  if (::read(pipe_ends[0], &ready, 1) != 1 || ready != 'R')
    throw std::runtime_error("the follower could not start");
  return follower;
}

FollowerReport Follower::finish() {
  FollowerReport report;
  const bool received = ::read(results_fd_, &report, sizeof report) == sizeof report;
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  if (!received || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("the follower failed: it did not see every record and the finish");
  return report;
}

Follower::Follower(Follower&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), results_fd_(std::exchange(other.results_fd_, -1)) {}

Follower::~Follower() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (results_fd_ >= 0) ::close(results_fd_);
}

std::optional<Prefault> parse_prefault(std::string_view name) {
  if (name == "none") return Prefault::none;
  if (name == "populate") return Prefault::populate;
  if (name == "fallocate") return Prefault::allocate;
  return std::nullopt;
}
std::string_view prefault_name(Prefault prefault) {
  if (prefault == Prefault::populate) return "populate";
  return prefault == Prefault::allocate ? "fallocate" : "none";
}

void apply_prefault(const RecordProducer& producer, Prefault prefault) {
  const auto& file = producer.file();
  if (prefault == Prefault::allocate &&
      ::fallocate(file.fd(), 0, 0, static_cast<off_t>(file.size())) != 0)
    throw_errno("fallocate");
  auto* start = const_cast<std::byte*>(file.bytes().data());  // the producer's own writable mapping
  if (prefault == Prefault::populate && ::madvise(start, file.size(), MADV_POPULATE_WRITE) != 0)
    throw_errno("madvise(MADV_POPULATE_WRITE)");
}

double percentile(std::vector<double> values, double fraction) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1))];
}
double median(std::vector<double> values) {
  return percentile(std::move(values), 0.5);
}

std::string min_median_max(std::vector<double> values, int decimals) {
  if (values.empty()) return "-";
  std::sort(values.begin(), values.end());
  char text[128];
  std::snprintf(text, sizeof text, "%.*f / %.*f / %.*f", decimals, values.front(), decimals,
                median(values), decimals, values.back());
  return text;
}

}  // namespace ch05::bench
