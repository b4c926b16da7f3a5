// What chapter 07's write-log tests share: the sector size of the logs they
// build by hand, a blank 8-sector disk, and one replay onto it.
#pragma once

#include <string>

#include "msync/errors.hpp"
#include "testing.hpp"
#include "write_log.hpp"

namespace ch07::testing {

inline constexpr std::size_t sector = 512;

/// The disk every replay starts from: 8 sectors of '.'.
inline const std::string blank_disk(8 * sector, '.');

/// What replay_to_last_flush made of a log.
struct Replayed {
  bool ok = false;    ///< false: it threw, and error says why
  std::string error;  ///< what() of the mbe::Error it threw
  ReplaySummary summary;
  std::string disk;  ///< the disk afterwards
};

/// Replays @p log onto a blank disk in a scratch directory of its own.
inline Replayed replay_onto_blank_disk(const std::string& log) {
  mbe::testing::ScratchDir dir;
  mbe::testing::write_file(dir.file("log"), log);
  mbe::testing::write_file(dir.file("disk"), blank_disk);
  Replayed result;
  try {
    result.summary = replay_to_last_flush(dir.file("log"), dir.file("disk"));
    result.ok = true;
  } catch (const mbe::Error& error) {
    result.error = error.what();
  }
  result.disk = mbe::testing::read_file(dir.file("disk"));
  return result;
}

}  // namespace ch07::testing
