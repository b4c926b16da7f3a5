// Checks of the chapter 07 exercise (see chapters/00_page_cache/exercise/check.cpp for how they run).
#include <doctest/doctest.h>

#include <stdexcept>

#include "exercise.hpp"
#include "testing.hpp"

using ex07::DiskRequest;

namespace {

DiskRequest write(std::size_t offset, const std::string& data, bool fua = false) {
  return {DiskRequest::Kind::write, offset, data, fua};
}
DiskRequest flush() { return {DiskRequest::Kind::flush, 0, "", false}; }

}  // namespace

TEST_CASE("writes before a flush survive the power loss") {
  MBE_HINT("a flush makes durable every write that completed before it");
  CHECK(ex07::disk_after_power_loss("........", {write(0, "ab"), write(4, "cd"), flush()}) == "ab..cd..");
}

TEST_CASE("writes after the last flush are lost although they completed") {
  MBE_HINT("find the last flush first: what comes after it stayed in the cache");
  CHECK(ex07::disk_after_power_loss("........", {write(0, "ab"), flush(), write(2, "cd")}) == "ab......");
  CHECK(ex07::disk_after_power_loss("........", {write(0, "ab"), write(2, "cd")}) == "........");
}

TEST_CASE("an unflushed rewrite leaves the flushed bytes on the disk") {
  MBE_HINT("a write after the last flush changes nothing, even where it overwrites flushed bytes");
  CHECK(ex07::disk_after_power_loss("....", {write(0, "old"), flush(), write(0, "new")}) == "old.");
}

TEST_CASE("writes to the same bytes before a flush land in their order") {
  MBE_HINT("apply the durable writes in the order the disk completed them");
  CHECK(ex07::disk_after_power_loss("....", {write(0, "aaaa"), write(1, "bb"), flush(), flush()}) == "abba");
}

TEST_CASE("a FUA write survives without a flush") {
  MBE_HINT("a FUA write went past the cache: it is durable wherever it stands");
  CHECK(ex07::disk_after_power_loss("......", {write(0, "ab"), write(2, "cd", true)}) == "..cd..");
  CHECK(ex07::disk_after_power_loss("......", {flush(), write(0, "ab", true), write(0, "xy")}) == "ab....");
}

TEST_CASE("a write that does not fit on the disk is refused") {
  MBE_HINT("check offset and length against the disk's size before applying anything");
  CHECK_THROWS_AS(ex07::disk_after_power_loss("....", {write(3, "ab"), flush()}), std::out_of_range);
  CHECK_THROWS_AS(ex07::disk_after_power_loss("....", {write(std::string::npos, "a"), flush()}),
                  std::out_of_range);
}
