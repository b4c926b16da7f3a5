// msync_arguments — what msync accepts: start alignment, length rounding, empty and holey ranges.
//
// Usage: ch04_msync_arguments FILE
//
// Creates FILE (three pages; it must not exist yet), maps it and prints the
// result of msync(MS_SYNC) for:
//   a start address one byte past a page boundary      -> EINVAL
//   a page-aligned start and a length of 1 byte         -> 0 (rounded up to the page)
//   a length of 0, even at an address no longer mapped  -> 0
//   three pages whose middle page was unmapped          -> ENOMEM, yet both mapped
//                                                          pages were synced; only
//                                                          the unmapped page stays dirty
#include <sys/mman.h>

#include <cerrno>
#include <iostream>
#include <string>
#include <string_view>

#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch04_msync_arguments FILE\n"
    "  Shows msync(MS_SYNC) results for unaligned, short, empty and holey ranges of new FILE.\n";

}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  if (auto exit_status = mbe::parse_command_line(argc, argv, usage, {&path, 1}))
    return *exit_status;
  try {
    const std::size_t page = mbe::page_size();
    auto file = mbe::MappedFile::create(path, 3 * page);
    std::byte* base = file.bytes().data();
    auto dirty = [&] { return mbe::page_cache_state(file.fd()).dirty; };

    // [arguments]
    base[0] = base[page] = base[2 * page] = std::byte{1};
    std::cout << "unaligned start (base + 1):      "
              << mbe::call_result(::msync(base + 1, page, MS_SYNC)) << '\n';
    std::cout << "aligned start, length 1:         " << mbe::call_result(::msync(base, 1, MS_SYNC))
              << "   dirty pages left: " << dirty() << '\n';
    std::cout << "length 0:                        " << mbe::call_result(::msync(base, 0, MS_SYNC))
              << '\n';

    // A hole: dirty all three pages, unmap the middle one, sync all three.
    base[0] = base[page] = base[2 * page] = std::byte{2};
    if (::munmap(base + page, page) != 0) return mbe::report_errno("munmap", errno);
    std::cout << "length 0 on the unmapped page:   "
              << mbe::call_result(::msync(base + page, 0, MS_SYNC)) << '\n';
    std::cout << "3 pages, middle one unmapped:    "
              << mbe::call_result(::msync(base, 3 * page, MS_SYNC))
              << "   dirty pages left: " << dirty() << '\n';
    // [arguments]
  } catch (const std::exception& error) {
    std::cerr << error.what() << '\n';
    return 1;
  }
  return 0;
}
