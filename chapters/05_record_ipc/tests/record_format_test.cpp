// Chapter 05 claims about the format: a record is valid only in its own slot
// and whole, and the recovery scan stops at the
// first bad committed record. Also: publication with release/acquire, checked
// by ThreadSanitizer with a producer and a consumer thread on one mapping.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "msync/crc32c.hpp"
#include "record_format.hpp"
#include "record_stream.hpp"
#include "testing.hpp"

using mbe::testing::ScratchDir;

namespace {
// An 8-byte aligned file image holding `committed` valid records of 64 bytes.
std::vector<std::uint64_t> file_image(std::uint32_t capacity, std::uint32_t committed) {
  std::vector<std::uint64_t> words(ch05::file_size_for(capacity, 64) / 8);
  auto bytes = std::as_writable_bytes(std::span(words));
  auto header = ch05::make_header(capacity, 64);
  header.committed = committed;
  std::memcpy(bytes.data(), &header, sizeof header);
  for (std::uint32_t i = 0; i < committed; ++i)
    ch05::fill_record(bytes.subspan(ch05::record_offset(i, 64), 64), i, 1);
  return words;
}
std::span<std::byte> slot_of(std::vector<std::uint64_t>& words, std::uint64_t index) {
  return std::as_writable_bytes(std::span(words)).subspan(ch05::record_offset(index, 64), 64);
}
}  // namespace

TEST_CASE("a record is valid only whole and in its own slot") {
  std::vector<std::uint64_t> words(8);
  auto slot = std::as_writable_bytes(std::span(words));
  CHECK(ch05::why_bad_record(slot, 7) == "record 7: never written (all zero)");
  ch05::fill_record(slot, 7, 123);
  CHECK(ch05::why_bad_record(slot, 7).empty());
  CHECK(ch05::payload_matches_pattern(slot, 7));
  CHECK(ch05::why_bad_record(slot, 8) == "record 8: holds sequence number 7");

  for (std::size_t byte : {0UL, 8UL, 16UL, 20UL, 24UL, 63UL}) {  // every field, and the payload
    CAPTURE(byte);
    slot[byte] ^= std::byte{0x01};
    CHECK(ch05::why_bad_record(slot, 7) == "record 7: bad checksum");
    slot[byte] ^= std::byte{0x01};
  }
  CHECK(ch05::why_bad_record(slot, 7).empty());
}

TEST_CASE("the header check names what is wrong") {
  auto words = file_image(4, 2);
  auto file = std::as_writable_bytes(std::span(words));
  CHECK(ch05::why_not_a_record_file(file).empty());
  CHECK(ch05::why_not_a_record_file(file.first(63)) ==
        "file is too short for a header: 63 bytes, need 64");
  CHECK(ch05::why_not_a_record_file(file.first(100)) ==
        "file is shorter than its header says: 100 bytes, 4 records need 320");

  auto with_header = [&](auto change) {
    auto copy = words;
    ch05::FileHeader header{};
    std::memcpy(&header, copy.data(), sizeof header);
    change(header);
    std::memcpy(copy.data(), &header, sizeof header);
    return ch05::why_not_a_record_file(std::as_bytes(std::span(copy)));
  };
  CHECK(with_header([](auto& h) { h.magic = 42; }) == "not a record file (wrong magic number)");
  CHECK(with_header([](auto& h) { h.version = 9; }) ==
        "unsupported version 9 (this program reads version 1)");
  CHECK(with_header([](auto& h) { h.capacity = 3; }) == "corrupt header (checksum mismatch)");
  CHECK(with_header([](auto& h) { h.committed = 5; }) ==
        "corrupt header: 5 records committed, but room for 4");
  CHECK(with_header([](auto& h) {
          h.record_size = 36;
          h.header_crc = ch05::make_header(h.capacity, 36).header_crc;
        }) == "corrupt header: record size 36 is not a multiple of 8 between 32 and 1048576");
}

TEST_CASE("the recovery scan stops at the first bad committed record") {
  auto words = file_image(10, 8);
  slot_of(words, 5)[30] ^= std::byte{0x40};  // one bit of record 5's payload
  const auto report = ch05::scan_records(std::as_bytes(std::span(words)), true);
  CHECK(report.header_problem.empty());
  CHECK(report.committed == 8);
  CHECK(report.valid == 5);  // 6 and 7 are fine, but nothing after a bad record is trusted
  CHECK(report.first_bad == "record 5: bad checksum");
}

TEST_CASE("the recovery scan reports unpublished records and a torn slot after the counter") {
  auto words = file_image(10, 3);
  ch05::fill_record(slot_of(words, 3), 3, 1);  // written, the counter not yet advanced
  ch05::fill_record(slot_of(words, 4), 4, 1);
  ch05::fill_record(slot_of(words, 5), 5, 1);
  slot_of(words, 5)[40] = std::byte{0};  // being written when the process died
  slot_of(words, 5)[41] ^= std::byte{0xFF};
  const auto report = ch05::scan_records(std::as_bytes(std::span(words)), true);
  CHECK(report.valid == 3);
  CHECK(report.first_bad.empty());
  CHECK(report.unpublished_valid == 2);
  CHECK(report.torn_after);
  CHECK(report.pattern_mismatch == 0);

  const auto live =
      ch05::scan_records(std::as_bytes(std::span(words)), false);  // a consumer's view
  CHECK(live.unpublished_valid == 0);
  CHECK_FALSE(live.torn_after);
}

TEST_CASE("a record that passes its checksum but not the producer pattern is counted") {
  auto words = file_image(4, 4);
  auto slot = slot_of(words, 2);
  slot[40] ^= std::byte{0x01};
  // Re-checksum it, as a buggy producer writing wrong data would: the CRC cannot tell.
  ch05::RecordHeader record{};
  std::memcpy(&record, slot.data(), sizeof record);
  const auto crc = mbe::crc32c(slot.subspan(sizeof record), mbe::crc32c(slot.first(20)));
  std::memcpy(slot.data() + 20, &crc, 4);
  const auto report = ch05::scan_records(std::as_bytes(std::span(words)), true);
  CHECK(report.valid == 4);
  CHECK(report.pattern_mismatch == 1);
}

TEST_CASE("a consumer thread never sees a record before it is complete") {
  // One mapping shared by both threads, so ThreadSanitizer checks the
  // release store of the counter against the acquire loads of the consumer.
  ScratchDir dir;
  ch05::ProducerOptions options;
  options.capacity = 2000;
  options.durability = ch05::Durability::none;
  auto producer = ch05::RecordProducer::create(dir.file("stream"), options);
  const auto bytes = std::span<const std::byte>(producer.file().bytes());
  // The follower sets the sleeper bit in the header: the same writable mapping as the producer's.
  auto& header = const_cast<ch05::FileHeader&>(producer.file().object<ch05::FileHeader>());

  std::uint64_t seen = 0, bad = 0, wake_ups = 0;
  std::thread consumer([&] {
    while (ch05::wait_for_records(header, seen, std::chrono::seconds(20)) ==
           ch05::WaitResult::more_records) {
      ++wake_ups;
      for (const auto committed = ch05::load_committed(header); seen < committed; ++seen)
        if (!ch05::why_bad_record(bytes.subspan(ch05::record_offset(seen, 64), 64), seen).empty())
          ++bad;
    }
  });
  for (int i = 0; i < 2000; ++i) producer.append();
  producer.finish();
  consumer.join();
  CHECK(seen == 2000);
  CHECK(bad == 0);
  CHECK(wake_ups >= 1);
}
