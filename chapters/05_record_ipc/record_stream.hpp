// Producing chapter 05's record stream: the protocol (fill, msync the record,
// publish, msync the header, wake) in record_stream.cpp, RecordProducer::append.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "msync/mapped_file.hpp"
#include "record_format.hpp"
#include "record_wakeup.hpp"

namespace ch05 {

/// When the producer makes records durable (and only then acknowledges them).
enum class Durability {
  none,        ///< never: records live in the page cache until the kernel writes them back
  per_record,  ///< msync(MS_SYNC) of each record, then of the header, before publishing the next
  group,       ///< group commit: one msync for every N records or every T ms, whichever comes first
};
std::optional<Durability> parse_durability(std::string_view name);
std::string_view durability_name(Durability durability);

struct ProducerOptions {
  std::uint32_t capacity = 1000;   ///< record slots in the new file
  std::uint32_t record_size = 64;  ///< bytes per record
  Durability durability = Durability::group;
  std::uint32_t group_records = 64;  ///< group commit: sync after this many records...
  std::uint32_t group_ms = 10;       ///< ...or when the oldest unsynced record is this old
  WakePolicy wake = WakePolicy::sleepers_only;  ///< when to make the FUTEX_WAKE system call
  /// Called with the number of acknowledged records each time it grows.
  std::function<void(std::uint64_t)> on_acknowledged;
};

/// Writes records into a new record file, one after another.
class RecordProducer {
 public:
  /// Creates @p path atomically: the header is written and synced in a
  /// temporary file that is then renamed to @p path without replacing
  /// anything (renameat2 RENAME_NOREPLACE), and the directory is synced. A
  /// follower therefore sees no file, or a valid empty one. Throws mbe::Error.
  static RecordProducer create(const std::filesystem::path& path, ProducerOptions options);

  /// Fills, (by the durability mode) syncs and publishes the next record, then
  /// wakes sleeping followers. Throws mbe::Error when msync fails,
  /// std::length_error when the file is full.
  void append();
  /// Syncs what is pending (unless durability is none), then marks the
  /// stream finished and wakes the followers.
  void finish();

  [[nodiscard]] std::uint64_t published() const noexcept { return published_; }
  [[nodiscard]] std::uint64_t acknowledged() const noexcept { return acknowledged_; }
  [[nodiscard]] std::uint64_t sync_calls() const noexcept { return sync_calls_; }
  [[nodiscard]] std::uint64_t wake_calls() const noexcept {
    return wake_calls_;
  }  ///< FUTEX_WAKEs made
  [[nodiscard]] const mbe::MappedFile& file() const noexcept { return file_; }

 private:
  RecordProducer(mbe::MappedFile file, ProducerOptions options);
  void publish(std::uint64_t count);
  void sync_range(std::size_t offset, std::size_t length);
  void sync_pending();
  void acknowledge(std::uint64_t count);
  void wake();
  FileHeader& header() { return file_.object<FileHeader>(); }

  mbe::MappedFile file_;
  ProducerOptions options_;
  std::uint64_t published_ = 0;
  std::uint64_t acknowledged_ = 0;
  std::uint64_t sync_calls_ = 0;
  std::uint64_t wake_calls_ = 0;
  std::chrono::steady_clock::time_point oldest_unsynced_{};
};

/// CLOCK_MONOTONIC in nanoseconds: comparable across processes on one machine.
std::uint64_t monotonic_ns() noexcept;

}  // namespace ch05
