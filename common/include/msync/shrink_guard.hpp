/// @file shrink_guard.hpp
/// @brief For a program that keeps a file mapped while other processes may
/// truncate it: a SIGBUS inside the mapping ends the program with a message
/// and exit status 1, instead of a crash with no word.
#pragma once

#include <string_view>

#include "msync/mapped_file.hpp"

namespace mbe {

/// @brief From now until the process exits, a SIGBUS raised by an access to
/// @p file's mapping — a page past the end of a file that shrank under it —
/// writes `PROGRAM: PATH: the file shrank under its mapping (SIGBUS reading
/// past its end)` to standard error and exits with status 1.
///
/// A SIGBUS anywhere else is not swallowed: the default action (death) is
/// restored and the fault happens again. One mapping per process: a later
/// call replaces the earlier one. A reader that must go on after the fault
/// needs chapter 08's guard (sigsetjmp around each read) instead; a reader
/// that has nothing left to do once its file shrank needs only this.
void exit_when_shrunk(const MappedFile& file, std::string_view program) noexcept;

}  // namespace mbe
