// The exercise and solution trees mirror each other and the chapters: every
// chapter has an exercise, with the same folder and file names on both sides.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <string>

#include "testing.hpp"

namespace fs = std::filesystem;

namespace {
const fs::path root = MBE_SOURCE_ROOT_DIR;

std::set<std::string> entries(const fs::path& directory, bool folders) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory))
    if (entry.is_directory() == folders) names.insert(entry.path().filename().string());
  return names;
}
}  // namespace

TEST_CASE("every chapter has an exercise and a solution folder of the same name") {
  const auto chapters = entries(root / "chapters", true);
  REQUIRE_FALSE(chapters.empty());
  CHECK(entries(root / "exercises", true) == chapters);
  CHECK(entries(root / "solutions", true) == chapters);
}

TEST_CASE("exercise and solution folders hold the same file names") {
  for (const auto& folder : entries(root / "chapters", true)) {
    CAPTURE(folder);
    const auto stubs = entries(root / "exercises" / folder, false);
    CHECK(stubs == entries(root / "solutions" / folder, false));
    CHECK(stubs.count("README.md") == 1);
    CHECK(fs::exists(root / "chapters" / folder / "exercise" / "exercise.hpp"));
    CHECK(fs::exists(root / "chapters" / folder / "exercise" / "check.cpp"));
    for (const auto& name : stubs)
      if (name.ends_with(".cpp"))
        CHECK(mbe::testing::read_file(root / "exercises" / folder / name).find("TODO") !=
              std::string::npos);
  }
}
