// TimerTable: the pending timers of a node, as the driver keeps them. Setting
// a timer that is pending moves it; due timers come out in (due_ms, id) order,
// so two timers due at the same millisecond always fire in the same order.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "core/event.h"

namespace eddy::node_main {

class TimerTable {
 public:
  void set(const core::TimerId& timer, int64_t due_ms);
  std::optional<int64_t> next_due_ms() const;
  // Removes and returns the earliest timer due at or before now_ms, if any.
  std::optional<core::TimerId> pop_due(int64_t now_ms);
  size_t size() const { return by_id_.size(); }

 private:
  std::map<core::TimerId, int64_t> by_id_;
  std::set<std::pair<int64_t, core::TimerId>> by_due_;
};

}  // namespace eddy::node_main
