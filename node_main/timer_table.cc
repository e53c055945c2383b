#include "node_main/timer_table.h"

namespace eddy::node_main {

void TimerTable::set(const core::TimerId& timer, int64_t due_ms) {
  const auto [it, inserted] = by_id_.try_emplace(timer, due_ms);
  if (!inserted) {
    by_due_.erase({it->second, timer});
    it->second = due_ms;
  }
  by_due_.emplace(due_ms, timer);
}

std::optional<int64_t> TimerTable::next_due_ms() const {
  if (by_due_.empty()) return std::nullopt;
  return by_due_.begin()->first;
}

std::optional<core::TimerId> TimerTable::pop_due(int64_t now_ms) {
  if (by_due_.empty() || by_due_.begin()->first > now_ms) return std::nullopt;
  const core::TimerId timer = by_due_.begin()->second;
  by_due_.erase(by_due_.begin());
  by_id_.erase(timer);
  return timer;
}

}  // namespace eddy::node_main
