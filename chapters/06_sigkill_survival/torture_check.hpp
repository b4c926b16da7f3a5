// The verdict of one round of sigkill_torture: what the producer had
// acknowledged before the kill, against what the recovery scan found.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ch06 {

/// The numbers in ch05_record_recover's summary line.
struct RecoveredRecords {
  std::uint64_t committed = 0, valid = 0, unpublished_valid = 0, pattern_mismatch = 0;
  bool torn_after = false, finished = false;
};

/// Parses "committed=C valid=V unpublished_valid=U torn_after=T finished=F
/// pattern_mismatch=P" (the first line of @p output); nullopt if it is not that.
std::optional<RecoveredRecords> parse_recovery(std::string_view output);

/// The largest n of the complete lines "<prefix>n" in @p output (0 if none),
/// e.g. the producer's "ACK n" or the state writer's "stored n": a line cut
/// short by a kill does not count.
std::uint64_t last_count(std::string_view output, std::string_view prefix);

/// One round's findings.
struct RoundVerdict {
  std::uint64_t lost = 0;           ///< acknowledged records the scan did not find valid
  std::uint64_t torn_accepted = 0;  ///< records accepted although not what the producer wrote
  bool torn_rejected = false;       ///< a half-written slot was seen and not accepted
  bool bad_committed = false;       ///< a published record failed the scan: the protocol broke
};
RoundVerdict judge_round(std::uint64_t acknowledged, const RecoveredRecords& recovered);

}  // namespace ch06
