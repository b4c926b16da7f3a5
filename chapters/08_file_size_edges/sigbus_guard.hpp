// Reading a mapped word that may lie past the end of file — SIGBUS caught and
// turned into "no value" instead of killing the process.
//
// Two versions with the same signature:
//   read_guarded()  the careful one (careful_guard.cpp);
//   read_naive()    the obvious one (naive_guard.cpp), which an optimising
//                   compiler breaks: at -O1 and above g++ 12 and clang 14
//                   delete the store that arms it, and the "guarded" read
//                   kills the process anyway.
// Each needs its install function called once before use.
#pragma once

#include <cstdint>
#include <optional>

namespace ch08 {

/// Installs the careful SIGBUS handler (SA_SIGINFO). A SIGBUS that is not a
/// fault inside the word being read is not swallowed: the default action
/// (death) is restored and the fault happens again.
void install_careful_guard();
/// The word at @p at, or nullopt when reading it raised SIGBUS.
std::optional<std::uint64_t> read_guarded(const std::uint64_t* at);

void install_naive_guard();
std::optional<std::uint64_t> read_naive(const std::uint64_t* at);

}  // namespace ch08
