// ProcessTable<T>: state kept per Jepsen process. Process ids are small
// integers in practice (thread + k * concurrency), so most live in a vector;
// any other id (a hand-written history may use one) lives in a hash map.
// A reference from operator[] is valid until the next operator[].
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace eddy::checker::detail {

template <class T>
class ProcessTable {
 public:
  T& operator[](int64_t process) {
    if (process < 0 || process >= kDenseMax) return sparse_[process];
    const auto slot = static_cast<size_t>(process);
    if (slot >= dense_.size()) dense_.resize(slot + 1);
    return dense_[slot];
  }

 private:
  static constexpr int64_t kDenseMax = int64_t{1} << 18;
  std::vector<T> dense_;
  std::unordered_map<int64_t, T> sparse_;
};

}  // namespace eddy::checker::detail
