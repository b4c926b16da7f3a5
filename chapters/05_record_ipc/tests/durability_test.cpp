// Chapter 05 claims about durability modes: what each acknowledgement means
// for the page cache — per-record (nothing dirty), group commit (whole groups,
// or the oldest record's age), none (published at once, still dirty).
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "msync/page_cache.hpp"
#include "record_stream.hpp"
#include "testing.hpp"

using mbe::testing::ScratchDir;

TEST_CASE("per-record durability leaves no dirty page at any acknowledgement") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  ch05::ProducerOptions options;
  options.capacity = 200;
  options.record_size = 40;  // records straddle page boundaries: the sync range is page-rounded
  options.durability = ch05::Durability::per_record;
  std::vector<std::uint64_t> dirty_at_ack;
  int fd = -1;
  options.on_acknowledged = [&](std::uint64_t) {
    dirty_at_ack.push_back(mbe::page_cache_state(fd).dirty);
  };
  auto producer = ch05::RecordProducer::create(dir.file("stream"), options);
  fd = producer.file().fd();
  for (int i = 0; i < 200; ++i) producer.append();
  producer.finish();
  REQUIRE(dirty_at_ack.size() == 200);
  CHECK(std::count(dirty_at_ack.begin(), dirty_at_ack.end(), 0U) == 200);
  CHECK(producer.sync_calls() == 2 * 200 + 1);  // record, then header; the finish flag
  CHECK(mbe::page_cache_state(fd).dirty == 0);
}

TEST_CASE("group commit acknowledges whole groups and leaves them clean") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  ch05::ProducerOptions options;
  options.capacity = 100;
  options.durability = ch05::Durability::group;
  options.group_records = 16;
  options.group_ms = 60'000;  // only the record count triggers here
  std::vector<std::uint64_t> acks, dirty_at_ack;
  int fd = -1;
  options.on_acknowledged = [&](std::uint64_t count) {
    acks.push_back(count);
    dirty_at_ack.push_back(mbe::page_cache_state(fd).dirty);
  };
  auto producer = ch05::RecordProducer::create(dir.file("stream"), options);
  fd = producer.file().fd();
  for (int i = 0; i < 100; ++i) {
    producer.append();
    CHECK(producer.published() == static_cast<std::uint64_t>(i + 1));  // visible at once
  }
  CHECK(mbe::page_cache_state(fd).dirty > 0);  // records 96..99: published, not durable yet
  producer.finish();
  CHECK(acks == std::vector<std::uint64_t>{16, 32, 48, 64, 80, 96, 100});
  CHECK(std::count(dirty_at_ack.begin(), dirty_at_ack.end(), 0U) == 7);
  CHECK(producer.sync_calls() == 7 * 2 + 1);
}

TEST_CASE("group commit also syncs when the oldest unsynced record is older than the limit") {
  ScratchDir dir;
  ch05::ProducerOptions options;
  options.capacity = 10;
  options.group_records = 1000;
  options.group_ms = 500;  // far above what two appends take, even beside a torture's fsyncs
  std::vector<std::uint64_t> acks;
  options.on_acknowledged = [&](std::uint64_t count) { acks.push_back(count); };
  auto producer = ch05::RecordProducer::create(dir.file("stream"), options);
  producer.append();
  producer.append();
  CHECK(acks.empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  producer.append();  // the first record is now 600 ms old: this append syncs all three
  CHECK(acks == std::vector<std::uint64_t>{3});
}

TEST_CASE("durability none publishes at once and leaves the records dirty") {
  ScratchDir dir;
  MBE_REQUIRE_DIRTY_TRACKING(dir.path());
  ch05::ProducerOptions options;
  options.capacity = 500;
  options.durability = ch05::Durability::none;
  std::uint64_t acks = 0;
  options.on_acknowledged = [&](std::uint64_t) { ++acks; };
  auto producer = ch05::RecordProducer::create(dir.file("stream"), options);
  for (int i = 0; i < 500; ++i) producer.append();
  producer.finish();
  CHECK(acks == 500);
  CHECK(producer.sync_calls() == 0);
  CHECK(mbe::page_cache_state(producer.file().fd()).dirty >=
        8);  // 32 KiB of records, all in RAM only
}
