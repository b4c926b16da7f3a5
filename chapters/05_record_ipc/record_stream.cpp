// The producer's protocol, in the order of the chapter's diagram:
//   1. fill the record (payload, checksum last)
//   2. msync the record                 (durability record)
//   3. publish: committed = n + 1, a release store (seq_cst: see record_wakeup.cpp)
//   4. msync the header                 (durability record; group: when the group is due)
//   5. wake followers, only if one sleeps
//   6. acknowledge (a group: as its sync in step 4 returns)
#include "record_stream.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <utility>

#include "msync/errors.hpp"

namespace ch05 {
std::optional<Durability> parse_durability(std::string_view name) {
  if (name == "none") return Durability::none;
  if (name == "record") return Durability::per_record;
  if (name == "group") return Durability::group;
  return std::nullopt;
}

std::string_view durability_name(Durability durability) {
  switch (durability) {
    case Durability::none:
      return "none";
    case Durability::per_record:
      return "record";
    case Durability::group:
      return "group";
  }
  return "?";
}

std::uint64_t monotonic_ns() noexcept {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000U +
         static_cast<std::uint64_t>(now.tv_nsec);
}

RecordProducer::RecordProducer(mbe::MappedFile file, ProducerOptions options)
    : file_(std::move(file)), options_(std::move(options)) {}

RecordProducer RecordProducer::create(const std::filesystem::path& path, ProducerOptions options) {
  if (auto why = why_bad_record_size(options.record_size); !why.empty())
    throw std::invalid_argument(why);
  if (options.capacity == 0 || options.capacity > max_capacity)
    throw std::invalid_argument("capacity must be between 1 and " + std::to_string(max_capacity));
  // [create]
  auto temporary = path;
  temporary += ".creating";
  auto file =
      mbe::MappedFile::create(temporary, file_size_for(options.capacity, options.record_size));
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
  const auto durability = options_.durability;
  fill_record(file_.bytes().subspan(offset, options_.record_size), index, monotonic_ns());  // 1
  if (durability == Durability::per_record) sync_range(offset, options_.record_size);       // 2
  if (durability == Durability::group && acknowledged_ == published_)
    oldest_unsynced_ = std::chrono::steady_clock::now();  // the group's first record
  publish(index + 1);                                     // 3
  if (durability == Durability::per_record) sync_range(0, sizeof(FileHeader));  // 4
  const bool group_due =
      durability == Durability::group && (published_ - acknowledged_ >= options_.group_records ||
                                          std::chrono::steady_clock::now() - oldest_unsynced_ >=
                                              std::chrono::milliseconds(options_.group_ms));
  if (group_due) sync_pending();  // 4, for a group: its records, then the header
  wake();                         // 5
  if (durability != Durability::group) acknowledge(published_);  // 6
}

void RecordProducer::publish(std::uint64_t count) {
  // Release: the record's bytes are visible before the count that covers them.
  // Sequentially consistent, too: wake()'s load of the wake word (its sleeper bit) cannot
  // move before this store (the producer's half of the handshake).
  std::atomic_ref(header().committed)
      .store(static_cast<std::uint32_t>(count), std::memory_order_seq_cst);
  published_ = count;
}

void RecordProducer::wake() {
  if (wake_followers(header(), options_.wake)) ++wake_calls_;
}
// [append]

void RecordProducer::sync_range(std::size_t offset, std::size_t length) {
  ++sync_calls_;
  file_.sync_or_throw(offset, length);  // page-rounded msync(MS_SYNC); throws on EIO and friends
}

// Syncs the published, unacknowledged records, then the header, then acknowledges them.
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
  std::atomic_ref(header().finished).store(1, std::memory_order_seq_cst);  // published like a count
  if (options_.durability != Durability::none) sync_range(0, sizeof(FileHeader));
  wake();
}

}  // namespace ch05
