// Chapter 07's file chores: see lab_files.hpp.
#include "lab_files.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

#include "lab_tools.hpp"
#include "msync/child_process.hpp"
#include "msync/errors.hpp"

namespace ch07 {

void trial_failed(const std::string& why) {
  throw mbe::Error(why, std::make_error_code(std::errc::io_error));
}

void append_hex_bytes(const std::string& line, std::string& bytes) {
  std::istringstream words(line);
  for (std::string word; words >> word;) {
    unsigned byte = 0;
    const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), byte, 16);
    if (word.size() != 2 || error != std::errc() || end != word.data() + word.size())
      trial_failed("a garbled hex line of the recovery boot: " + line);
    bytes.push_back(static_cast<char>(byte));
  }
}

void copy_image(const std::filesystem::path& from, const std::filesystem::path& to) {
  const auto output = to.parent_path() / "tool-output.txt";
  if (run_tool({find_tool("cp"), "--sparse=always", from, to}, output) != 0)
    trial_failed("cp " + from.string() + " " + to.string() + ": " + mbe::read_all(output));
}

void concatenate(const std::vector<std::filesystem::path>& parts, const std::filesystem::path& to) {
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  for (const auto& part : parts) out << std::ifstream(part, std::ios::binary).rdbuf();
  if (!out.flush()) trial_failed("could not write " + to.string());
}

}  // namespace ch07
