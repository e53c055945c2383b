// ReorderBuffer: hands back items in the order of their positions 0, 1, 2,
// ... whatever order they were put in. The fuzz campaign's workers finish
// scenarios out of order; the parent prints them through this buffer so that
// its output is the serial run's, byte for byte.
//
// Items wait in a map until every earlier position has been taken; a
// position put twice, or one already taken, is a caller's bug and rejected.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <utility>

namespace eddy::sim {

template <typename T>
class ReorderBuffer {
 public:
  // Stores `item` at `position`; false (and nothing stored) when that
  // position was put before.
  bool put(size_t position, T item) {
    if (position < next_ || waiting_.contains(position)) return false;
    waiting_.emplace(position, std::move(item));
    return true;
  }

  // The item at the next position, once it has been put; nullopt until then.
  std::optional<T> take() {
    const auto it = waiting_.find(next_);
    if (it == waiting_.end()) return std::nullopt;
    T item = std::move(it->second);
    waiting_.erase(it);
    ++next_;
    return item;
  }

  // The position take() hands out next.
  size_t next() const { return next_; }
  // Items put but not yet taken (those behind a gap).
  size_t waiting() const { return waiting_.size(); }

 private:
  size_t next_ = 0;
  std::map<size_t, T> waiting_;
};

}  // namespace eddy::sim
