// Parsing and judging one round of sigkill_torture.
#include "torture_check.hpp"

#include <charconv>

namespace ch06 {
namespace {
// The number after "name=" in @p line, if the line has that field.
std::optional<std::uint64_t> field(std::string_view line, std::string_view name) {
  const std::string key = " " + std::string(name) + "=";
  const std::string padded = " " + std::string(line);
  const auto at = padded.find(key);
  if (at == std::string::npos) return std::nullopt;
  const char* first = padded.data() + at + key.size();
  const char* last = padded.data() + padded.size();
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(first, last, value);
  if (error != std::errc{} || (end != last && *end != ' ')) return std::nullopt;
  return value;
}
}  // namespace

std::optional<RecoveredRecords> parse_recovery(std::string_view output) {
  const auto line = output.substr(0, output.find('\n'));
  const auto committed = field(line, "committed"), valid = field(line, "valid"),
             unpublished = field(line, "unpublished_valid"), torn = field(line, "torn_after"),
             finished = field(line, "finished"), mismatch = field(line, "pattern_mismatch");
  if (!committed || !valid || !unpublished || !torn || !finished || !mismatch || *torn > 1 ||
      *finished > 1)
    return std::nullopt;
  return RecoveredRecords{*committed, *valid, *unpublished, *mismatch, *torn == 1, *finished == 1};
}

std::uint64_t last_count(std::string_view output, std::string_view prefix) {
  std::uint64_t last = 0;
  for (std::size_t start = 0; start < output.size();) {
    const auto end = output.find('\n', start);
    if (end == std::string_view::npos) break;  // cut short by the kill
    const auto line = output.substr(start, end - start);
    std::uint64_t value = 0;
    if (line.starts_with(prefix)) {
      const auto [at, error] =
          std::from_chars(line.data() + prefix.size(), line.data() + line.size(), value);
      if (error == std::errc{} && at == line.data() + line.size() && value > last) last = value;
    }
    start = end + 1;
  }
  return last;
}

// [judge]
RoundVerdict judge_round(std::uint64_t acknowledged, const RecoveredRecords& recovered) {
  RoundVerdict verdict;
  // Every acknowledged record must be among the valid committed ones.
  if (acknowledged > recovered.valid) verdict.lost = acknowledged - recovered.valid;
  // A committed record that the checksum passed but the producer did not write.
  verdict.torn_accepted = recovered.pattern_mismatch;
  // A record that was being written when the kill came, seen and left out.
  verdict.torn_rejected = recovered.torn_after;
  // Publication comes after the record is complete, so no published record may be bad.
  verdict.bad_committed = recovered.valid < recovered.committed;
  return verdict;
}
// [judge]

}  // namespace ch06
