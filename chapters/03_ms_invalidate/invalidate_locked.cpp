// invalidate_locked — what MS_INVALIDATE does on Linux: nothing, except EBUSY on locked pages.
//
// Usage: ch03_invalidate_locked FILE
//
// Creates FILE (two pages; it must not exist yet), dirties both pages and
// mlock()s the first. Then:
//   msync(MS_INVALIDATE) on the unlocked page  -> 0, data and dirtiness kept
//   msync(MS_INVALIDATE) on the locked page    -> EBUSY
//   msync(MS_SYNC | MS_INVALIDATE), locked     -> EBUSY, and the page is NOT synced
// The last line is the trap: a commit written as MS_SYNC|MS_INVALIDATE
// silently stops being a commit once somebody locks the pages.
#include <sys/mman.h>

#include <cerrno>
#include <iostream>
#include <string>
#include <string_view>

#include "lock_pages.hpp"
#include "msync/cli.hpp"
#include "msync/errors.hpp"
#include "msync/mapped_file.hpp"
#include "msync/page_cache.hpp"

namespace {
constexpr std::string_view usage =
    "usage: ch03_invalidate_locked FILE\n"
    "  Shows msync(MS_INVALIDATE) results on an unlocked and an mlock()ed page of new FILE.\n";

}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  if (auto exit_status = mbe::parse_command_line(argc, argv, usage, {&path, 1}))
    return *exit_status;
  try {
    const std::size_t page = mbe::page_size();
    auto file = mbe::MappedFile::create(path, 2 * page);
    std::byte* locked = file.bytes().data();
    std::byte* unlocked = locked + page;
    *locked = std::byte{'L'};
    *unlocked = std::byte{'U'};
    if (ch03::lock_pages(locked, page) != 0) return mbe::report_errno("mlock", errno);

    // [invalidate]
    const int on_unlocked = ::msync(unlocked, page, MS_INVALIDATE);
    const std::string unlocked_result = mbe::call_result(on_unlocked);
    const int on_locked = ::msync(locked, page, MS_INVALIDATE);
    const std::string locked_result = mbe::call_result(on_locked);
    const int sync_on_locked = ::msync(locked, page, MS_SYNC | MS_INVALIDATE);
    const std::string sync_result = mbe::call_result(sync_on_locked);
    // [invalidate]
    const auto locked_state = mbe::page_cache_state(file.fd(), 0, page);
    std::cout << "MS_INVALIDATE, unlocked page:          " << unlocked_result << '\n'
              << "MS_INVALIDATE, locked page:            " << locked_result << '\n'
              << "MS_SYNC | MS_INVALIDATE, locked page:  " << sync_result << '\n'
              << "locked page afterwards: dirty " << locked_state.dirty
              << (locked_state.dirty > 0 ? "  <- not synced, although MS_SYNC was asked for\n"
                                         : "\n")
              << "data kept: '" << static_cast<char>(*locked) << static_cast<char>(*unlocked)
              << "'\n";
    ch03::unlock_pages(locked, page);
  } catch (const std::exception& error) {
    std::cerr << error.what() << '\n';
    return 1;
  }
  return 0;
}
