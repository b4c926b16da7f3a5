// The producer's protocol (fill, publish, sync, acknowledge) and the
// follower's futex wait.
#include "record_stream.hpp"

#include <fcntl.h>
#include <linux/futex.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <stdexcept>
#include <utility>

#include "msync/errors.hpp"

namespace ch05 {
namespace {
// FUTEX_WAKE/FUTEX_WAIT without FUTEX_PRIVATE_FLAG: the word is in a shared
// file mapping, and the kernel keys it by (inode, offset), so the producer
// and followers in other processes meet on the same futex.

// Changes the wake word (so a follower about to sleep on its old value
// returns at once), then wakes every follower already asleep on it.
void wake_followers(FileHeader& header) {
  std::atomic_ref(header.wake_word).fetch_add(1, std::memory_order_release);
  ::syscall(SYS_futex, &header.wake_word, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
}
void wait_while_equal(const std::uint32_t& word, std::uint32_t seen, std::chrono::nanoseconds timeout) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
  timespec relative{static_cast<time_t>(seconds.count()),
                    static_cast<long>((timeout - seconds).count())};
  // Returns at a wake, at once if the word no longer equals `seen` (EAGAIN),
  // at the timeout (ETIMEDOUT) or at a signal (EINTR): the caller re-checks.
  ::syscall(SYS_futex, &word, FUTEX_WAIT, seen, &relative, nullptr, 0);
}
}  // namespace

std::optional<Durability> parse_durability(std::string_view name) {
  if (name == "none") return Durability::none;
  if (name == "record") return Durability::per_record;
  if (name == "group") return Durability::group;
  return std::nullopt;
}

std::string_view durability_name(Durability durability) {
  switch (durability) {
    case Durability::none: return "none";
    case Durability::per_record: return "record";
    case Durability::group: return "group";
  }
  return "?";
}

std::uint64_t monotonic_ns() noexcept {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000U + static_cast<std::uint64_t>(now.tv_nsec);
}

RecordProducer::RecordProducer(mbe::MappedFile file, ProducerOptions options)
    : file_(std::move(file)), options_(std::move(options)) {}

RecordProducer RecordProducer::create(const std::filesystem::path& path, ProducerOptions options) {
  if (auto why = why_bad_record_size(options.record_size); !why.empty()) throw std::invalid_argument(why);
  if (options.capacity == 0 || options.capacity > max_capacity)
    throw std::invalid_argument("capacity must be between 1 and " + std::to_string(max_capacity));
  // [create]
  auto temporary = path;
  temporary += ".creating";
  auto file = mbe::MappedFile::create(temporary, file_size_for(options.capacity, options.record_size));
  try {
    file.object<FileHeader>() = make_header(options.capacity, options.record_size);
    file.sync_or_throw(0, sizeof(FileHeader));
    if (::renameat2(AT_FDCWD, temporary.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) != 0) {
      const auto error = mbe::last_error();
      throw mbe::Error(mbe::describe_error("renameat2 " + path.string(), error), error);
    }
  } catch (const std::exception&) {
    ::unlink(temporary.c_str());  // ours (created with O_EXCL): a failure leaves nothing behind
    throw;
  }
  if (mbe::Failure failure;
      file.sync_parent_directory(failure))  // the new name must survive a crash too
    throw mbe::Error(failure.describe(), failure.error);
  // [create]
  return {std::move(file), std::move(options)};
}

// [append]
void RecordProducer::append() {
  if (published_ == options_.capacity) throw std::length_error("the record file is full");
  const auto index = published_;
  const std::size_t offset = record_offset(index, options_.record_size);
  fill_record(file_.bytes().subspan(offset, options_.record_size), index, monotonic_ns());
  switch (options_.durability) {
    case Durability::none:  // visible to followers now, durable some time later
      publish(index + 1);
      acknowledge(index + 1);
      break;
    case Durability::per_record:  // on disk before anyone can see it
      sync_range(offset, options_.record_size);
      publish(index + 1);
      sync_range(0, sizeof(FileHeader));
      acknowledge(index + 1);
      break;
    case Durability::group:  // visible now, durable at the group's sync
      if (acknowledged_ == published_) oldest_unsynced_ = std::chrono::steady_clock::now();
      publish(index + 1);
      if (published_ - acknowledged_ >= options_.group_records ||
          std::chrono::steady_clock::now() - oldest_unsynced_ >= std::chrono::milliseconds(options_.group_ms))
        sync_pending();
      break;
  }
}

void RecordProducer::publish(std::uint64_t count) {
  auto& head = header();
  // Release: the record's bytes are visible before the count that covers them.
  std::atomic_ref(head.committed).store(static_cast<std::uint32_t>(count), std::memory_order_release);
  wake_followers(head);
  published_ = count;
}
// [append]

void RecordProducer::sync_range(std::size_t offset, std::size_t length) {
  ++sync_calls_;
  file_.sync_or_throw(offset, length);  // page-rounded msync(MS_SYNC); throws on EIO and friends
}

void RecordProducer::sync_pending() {
  if (acknowledged_ == published_) return;
  const std::size_t first = record_offset(acknowledged_, options_.record_size);
  sync_range(first, record_offset(published_, options_.record_size) - first);
  sync_range(0, sizeof(FileHeader));  // the counter that covers them
  acknowledge(published_);
}

void RecordProducer::acknowledge(std::uint64_t count) {
  acknowledged_ = count;
  if (options_.on_acknowledged) options_.on_acknowledged(count);
}

void RecordProducer::finish() {
  if (options_.durability != Durability::none) sync_pending();
  auto& head = header();
  std::atomic_ref(head.finished).store(1, std::memory_order_release);
  wake_followers(head);
  if (options_.durability != Durability::none) sync_range(0, sizeof(FileHeader));
}

// [wait]
WaitResult wait_for_records(const FileHeader& header, std::uint64_t seen, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto& wake_word = const_cast<std::uint32_t&>(header.wake_word);
  for (;;) {
    const auto word = std::atomic_ref(wake_word).load(std::memory_order_acquire);
    // `finished` before `committed`: once finished is seen, the final count is too.
    const bool finished = load_finished(header);
    if (load_committed(header) > seen) return WaitResult::more_records;
    if (finished) return WaitResult::finished;
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::nanoseconds::zero()) return WaitResult::timed_out;
    // A publish after our load changed the word, so the wait returns at once: no lost wake-up.
    wait_while_equal(wake_word, word, left);
  }
}
// [wait]

}  // namespace ch05
