// mlock/munlock as raw system calls.
//
// Why not ::mlock()? AddressSanitizer replaces mlock() and munlock() with
// wrappers that lock nothing and return 0, so under the asan preset the pages
// would silently stay unlocked — and MS_INVALIDATE would "work". The system
// call is what the kernel sees in every build.
#pragma once

#include <sys/syscall.h>
#include <unistd.h>

#include <cstddef>

namespace ch03 {

inline int lock_pages(void* address, std::size_t length) {
  return static_cast<int>(::syscall(SYS_mlock, address, length));
}

inline int unlock_pages(void* address, std::size_t length) {
  return static_cast<int>(::syscall(SYS_munlock, address, length));
}

}  // namespace ch03
