// node_main::TimerTable: pending timers in (due_ms, id) order; setting a
// pending timer moves it.
#include <gtest/gtest.h>

#include <vector>

#include "node_main/timer_table.h"

namespace eddy::node_main {
namespace {

using core::TimerId;
using core::TimerKind;

TimerId app(uint64_t arg) { return TimerId{TimerKind::kApplication, arg}; }
TimerId rpc(uint64_t msg_id) { return TimerId{TimerKind::kRpcTimeout, msg_id}; }

std::vector<TimerId> pop_all(TimerTable& table, int64_t now_ms) {
  std::vector<TimerId> out;
  while (const auto timer = table.pop_due(now_ms)) out.push_back(*timer);
  return out;
}

TEST(TimerTable, EmptyTable) {
  TimerTable table;
  EXPECT_EQ(table.size(), 0u);
  EXPECT_FALSE(table.next_due_ms().has_value());
  EXPECT_FALSE(table.pop_due(1'000'000).has_value());
}

TEST(TimerTable, DueTimersComeOutByDueTime) {
  TimerTable table;
  table.set(app(1), 30);
  table.set(app(2), 10);
  table.set(app(3), 20);
  EXPECT_EQ(table.size(), 3u);
  EXPECT_EQ(table.next_due_ms(), 10);
  EXPECT_EQ(pop_all(table, 100), (std::vector<TimerId>{app(2), app(3), app(1)}));
  EXPECT_EQ(table.size(), 0u);
}

TEST(TimerTable, TiesBreakByTimerId) {
  TimerTable table;
  table.set(app(5), 10);
  table.set(rpc(9), 10);
  table.set(app(2), 10);
  table.set(rpc(3), 10);
  // TimerId orders by kind (kRpcTimeout first), then arg.
  EXPECT_EQ(pop_all(table, 10), (std::vector<TimerId>{rpc(3), rpc(9), app(2), app(5)}));
}

TEST(TimerTable, PopDueRespectsNow) {
  TimerTable table;
  table.set(app(1), 10);
  table.set(app(2), 20);
  EXPECT_FALSE(table.pop_due(9).has_value());
  EXPECT_EQ(table.pop_due(10), app(1));  // due exactly now counts
  EXPECT_FALSE(table.pop_due(10).has_value());
  EXPECT_EQ(table.next_due_ms(), 20);
  EXPECT_FALSE(table.pop_due(19).has_value());
  EXPECT_EQ(table.pop_due(25), app(2));
  EXPECT_FALSE(table.next_due_ms().has_value());
}

TEST(TimerTable, SettingAgainMovesTheTimerLater) {
  TimerTable table;
  table.set(app(1), 10);
  table.set(app(1), 50);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.next_due_ms(), 50);
  EXPECT_FALSE(table.pop_due(20).has_value());
  EXPECT_EQ(table.pop_due(50), app(1));
  EXPECT_FALSE(table.pop_due(1000).has_value());
}

TEST(TimerTable, SettingAgainMovesTheTimerEarlier) {
  TimerTable table;
  table.set(app(1), 50);
  table.set(app(2), 30);
  table.set(app(1), 10);
  EXPECT_EQ(table.size(), 2u);
  EXPECT_EQ(pop_all(table, 100), (std::vector<TimerId>{app(1), app(2)}));
}

TEST(TimerTable, SettingAgainAtTheSameTimeKeepsOneEntry) {
  TimerTable table;
  table.set(rpc(4), 10);
  table.set(rpc(4), 10);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(pop_all(table, 10), (std::vector<TimerId>{rpc(4)}));
}

TEST(TimerTable, SameArgDifferentKindsAreDifferentTimers) {
  TimerTable table;
  table.set(app(7), 10);
  table.set(rpc(7), 20);
  EXPECT_EQ(table.size(), 2u);
  EXPECT_EQ(pop_all(table, 20), (std::vector<TimerId>{app(7), rpc(7)}));
}

TEST(TimerTable, APoppedTimerCanBeSetAgain) {
  TimerTable table;
  table.set(app(1), 10);
  ASSERT_EQ(table.pop_due(10), app(1));
  table.set(app(1), 15);
  EXPECT_EQ(table.next_due_ms(), 15);
  EXPECT_EQ(table.pop_due(15), app(1));
}

}  // namespace
}  // namespace eddy::node_main
