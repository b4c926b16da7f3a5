// dirty_pages — watch stores into a MAP_SHARED mapping make page-cache pages dirty.
//
// Usage: ch00_dirty_pages FILE [--pages N]
//
// Creates FILE (N pages, default 8; it must not exist yet), maps it MAP_SHARED
// and stores one byte into each page in turn, printing after every store what
// cachestat(2) says about the file: how many pages are cached and how many are
// dirty. A dirty page is data that exists only in RAM. Nothing here calls msync,
// so nothing is written to the disk by this program.
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ch00_dirty_pages FILE [--pages N]\n"
    "  Creates FILE (N pages, default 8, at most 4096), stores one byte per page\n"
    "  through a MAP_SHARED mapping and prints the page-cache state after each store.\n";

void print_state(std::string_view when, const mbe::PageCacheState& state) {
  std::printf("%-22s cached %3llu   dirty %3llu   writeback %3llu\n", std::string(when).c_str(),
              static_cast<unsigned long long>(state.cached),
              static_cast<unsigned long long>(state.dirty),
              static_cast<unsigned long long>(state.writeback));
}

}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  std::uint64_t pages = 8;
  if (auto exit_status = mbe::parse_command_line(argc, argv, usage, {&path, 1},
                                                 {mbe::Option::number("--pages", pages, 1, 4096)}))
    return *exit_status;

  try {
    const std::size_t page = mbe::page_size();
    // [create]
    auto file = mbe::MappedFile::create(path, pages * page);  // new, sparse, nothing cached
    print_state("after create:", mbe::page_cache_state(file.fd()));

    for (std::uint64_t i = 0; i < pages; ++i) {
      file.bytes()[i * page] = std::byte{'x'};  // one plain store: the page becomes dirty
      print_state("after store " + std::to_string(i + 1) + ":", mbe::page_cache_state(file.fd()));
    }
    // [create]
    std::cout << "\nEvery store made its page dirty: the data is in the page cache (RAM) only.\n"
                 "No msync was called, so no byte of it is guaranteed to be on the disk.\n";
  } catch (const std::exception& error) {
    std::cerr << error.what() << '\n';
    return 1;
  }
  return 0;
}
