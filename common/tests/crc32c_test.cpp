// CRC-32C: the checksum of chapters 05 to 07 is the standard one.
#include <doctest/doctest.h>

#include <string>

#include "msync/crc32c.hpp"

namespace {
std::span<const std::byte> bytes_of(const std::string& text) {
  return std::as_bytes(std::span(text));
}
}  // namespace

TEST_CASE("crc32c matches the published check values") {
  CHECK(mbe::crc32c(bytes_of("123456789")) == 0xE306'9283U);  // the CRC catalogue's check value
  CHECK(mbe::crc32c(bytes_of(std::string(32, '\0'))) == 0x8A91'36AAU);  // RFC 3720 B.4
  CHECK(mbe::crc32c(bytes_of(std::string(32, '\xFF'))) == 0x62A8'AB43U);
  CHECK(mbe::crc32c({}) == 0);
  CHECK(mbe::crc32c(bytes_of("456789"), mbe::crc32c(bytes_of("123"))) == 0xE306'9283U);  // chained
}
