// mapping_size_cost — syncing one dirty page costs the same whatever the mapping size.
//
// Usage: ch04_mapping_size_cost DIR [--rounds N]
//
// Maps sparse files of 4 KiB, 1 MiB, 64 MiB and 1 GiB in DIR, and in each
// round, for every size in turn, dirties one page and times
// msync(MS_SYNC) of the whole mapping. msync walks the dirty pages of the
// range, not every page of it: the cost follows the dirty data, so all sizes
// cost about the same. Prints min / median / max in µs over N rounds (default 20).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/files.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch04_mapping_size_cost DIR [--rounds N]\n"
    "  Times msync(MS_SYNC) of a whole mapping with one dirty page, for mappings of\n"
    "  4 KiB, 1 MiB, 64 MiB and 1 GiB (sparse files in DIR), N interleaved rounds.\n";
}

int main(int argc, char** argv) {
  const char* dir_name = nullptr;
  std::uint64_t rounds = 20;
  if (auto exit_status = mbe::parse_command_line(
          argc, argv, usage, {&dir_name, 1}, {mbe::Option::number("--rounds", rounds, 1, 10000)}))
    return *exit_status;
  const std::filesystem::path dir = dir_name;
  const std::size_t sizes[] = {std::size_t{4} << 10, std::size_t{1} << 20, std::size_t{64} << 20,
                               std::size_t{1} << 30};
  std::vector<mbe::MappedFile> files;
  std::vector<std::vector<double>> micros(std::size(sizes));
  try {
    for (std::size_t size : sizes) {
      const auto path = dir / ("ch04_mapping_size_cost." + std::to_string(size) + ".tmp");
      mbe::remove_quietly(path);
      files.push_back(mbe::MappedFile::create(path, size));
    }
    for (std::uint64_t round = 0; round < rounds; ++round) {
      for (std::size_t k = 0; k < files.size(); ++k) {
        const std::size_t i = (k + round) % files.size();  // rotate the order
        // [one_page]
        files[i].bytes()[0] = static_cast<std::byte>(round);  // one dirty page
        const auto start = std::chrono::steady_clock::now();
        files[i].sync_or_throw(0, files[i].size());  // msync of the WHOLE mapping
        // [one_page]
        micros[i].push_back(
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
                .count());
      }
    }
  } catch (const std::exception& error) {
    std::cerr << error.what() << '\n';
    for (auto& file : files) mbe::remove_quietly(file.path());
    return 1;
  }
  std::printf("%-12s %10s %10s %10s\n", "mapping", "min µs", "median µs", "max µs");
  const char* names[] = {"4 KiB", "1 MiB", "64 MiB", "1 GiB"};
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::sort(micros[i].begin(), micros[i].end());
    std::printf("%-12s %10.1f %10.1f %10.1f\n", names[i], micros[i].front(),
                micros[i][micros[i].size() / 2], micros[i].back());
    mbe::remove_quietly(files[i].path());
  }
  return 0;
}
