/// @file store_by_store.hpp
/// @brief Deterministic fault injection for the exercise checks: stop code
/// after its k-th store into some memory, for every k, and look at what a
/// reader (or the next process, after a SIGKILL) would find there.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>

namespace mbe::testing {

/// @brief Whole pages of private anonymous memory, zero-filled, for
/// inspect_after_every_store; unmapped at scope exit.
class PageRegion {
 public:
  explicit PageRegion(std::size_t bytes);
  ~PageRegion();
  PageRegion(const PageRegion&) = delete;
  PageRegion& operator=(const PageRegion&) = delete;
  [[nodiscard]] std::span<std::byte> bytes() const noexcept { return {data_, size_}; }
  /// @brief The region's first bytes as a @p T (trivially copyable, zero-filled at first).
  template <typename T>
  [[nodiscard]] T& object() const noexcept {
    return *reinterpret_cast<T*>(data_);
  }

 private:
  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

/// @brief What inspect_after_every_store saw.
struct StoreByStore {
  std::size_t stores = 0;  ///< stores into the region up to the end (or up to the complaint)
  std::size_t wrong_after =
      0;                  ///< the store after which inspect complained (1 = the first), 0 = never
  std::string complaint;  ///< inspect's words then
  std::string trouble;    ///< why the run itself failed (body threw or crashed); "" = it did not
};

/// @brief Runs @p body in a forked child with @p region (whole pages)
/// write-protected, and stops it right after every single store into the
/// region — one instruction, or one iteration of a `rep`-prefixed one. Each
/// time, the region as it is then (exactly what a process killed at that
/// instant would leave) is copied into the caller's @p region and @p inspect
/// is called, in the caller's process: it returns nullptr when what it sees
/// is fine, else what is wrong (a string that outlives the call); the first
/// complaint ends the run. The region holds its old contents again on
/// return. x86-64 only (the CPU's trap flag): elsewhere the result's trouble
/// says so.
StoreByStore inspect_after_every_store(std::span<std::byte> region,
                                       const std::function<void()>& body,
                                       const std::function<const char*()>& inspect);

/// @brief True where inspect_after_every_store can step (x86-64).
bool can_step_stores() noexcept;

}  // namespace mbe::testing
