// Checks of the chapter 07 exercise (see chapters/00_page_cache/exercise/check.cpp for how they
// run).
#include <doctest/doctest.h>

#include <stdexcept>

#include "exercise.hpp"
#include "exercise_check.hpp"

using ex07::DiskRequest;

namespace {

DiskRequest write(std::size_t offset, const std::string& data, bool fua = false) {
  return {DiskRequest::Kind::write, offset, data, fua};
}
DiskRequest flush() {
  return {DiskRequest::Kind::flush, 0, "", false};
}

}  // namespace

TEST_CASE("writes before a flush survive the power loss") {
  MBE_HINTS("a flush makes durable every write that completed before it",
            "with several flushes, the last one decides: everything before it is on the medium");
  MBE_CATCHES(ex07::disk_after_power_loss("........", {write(0, "ab"), write(4, "cd"), flush()}) ==
                  "ab..cd..",
              "writes completed before a flush were lost");
  MBE_CATCHES(ex07::disk_after_power_loss(
                  "........", {write(0, "ab"), flush(), write(4, "cd"), flush()}) == "ab..cd..",
              "only the writes before the first flush were kept");
}

TEST_CASE("writes after the last flush are lost although they completed") {
  MBE_HINTS("completed is not durable: the disk acknowledged these writes from its volatile cache",
            "find the last flush first: what comes after it stayed in the cache");
  MBE_CATCHES(
      ex07::disk_after_power_loss("........", {write(0, "ab"), flush(), write(2, "cd")}) ==
          "ab......",
      "a completed write after the last flush was called durable: the disk's cache is volatile");
  MBE_CATCHES(
      ex07::disk_after_power_loss("........", {write(0, "ab"), write(2, "cd")}) == "........",
      "completed writes without any flush were called durable: the disk's cache is volatile");
}

TEST_CASE("an unflushed rewrite leaves the flushed bytes on the disk") {
  MBE_HINTS("a write after the last flush changes nothing on the medium",
            "not even where it overwrites bytes that were flushed before");
  CHECK(ex07::disk_after_power_loss("....", {write(0, "old"), flush(), write(0, "new")}) == "old.");
}

TEST_CASE("writes to the same bytes before a flush land in their order") {
  MBE_HINTS("two durable writes to the same bytes: which one is on the medium?",
            "apply the durable writes in the order the disk completed them");
  CHECK(ex07::disk_after_power_loss("....", {write(0, "aaaa"), write(1, "bb"), flush(), flush()}) ==
        "abba");
}

TEST_CASE("a FUA write survives without a flush") {
  MBE_HINTS("Forced Unit Access: the disk completes the write only once it is on the medium",
            "a FUA write is durable wherever it stands, flush or not");
  MBE_CATCHES(
      ex07::disk_after_power_loss("......", {write(0, "ab"), write(2, "cd", true)}) == "..cd..",
      "a FUA write after the last flush was lost");
  CHECK(ex07::disk_after_power_loss("......", {flush(), write(0, "ab", true), write(0, "xy")}) ==
        "ab....");
}

TEST_CASE("a write that does not fit on the disk is refused") {
  MBE_HINTS(
      "a write that does not fit is refused with std::out_of_range - even one that is not applied",
      "offset + size can overflow: compare the size with disk.size() - offset");
  CHECK_THROWS_AS(ex07::disk_after_power_loss("....", {write(3, "ab"), flush()}),
                  std::out_of_range);
  CHECK_THROWS_AS(ex07::disk_after_power_loss("....", {write(std::string::npos, "a"), flush()}),
                  std::out_of_range);
}
