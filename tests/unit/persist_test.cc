// Persisted::apply: PersistEffects folded in order give what a restarted
// node restores from; an effect that does not follow changes nothing.
#include <gtest/gtest.h>

#include "core/persist.h"

namespace eddy::core {
namespace {

PersistedEntry entry(int64_t index, int64_t term, int64_t command) {
  return PersistedEntry{index, term, Value(command)};
}

TEST(Persisted, AppendsTruncatesAndSnapshots) {
  Persisted disk;
  EXPECT_TRUE(disk.empty());
  ASSERT_TRUE(disk.apply(PersistEffect{
      HardState{1, "n1"}, std::nullopt, 0, {entry(1, 1, 10), entry(2, 1, 20), entry(3, 1, 30)}}));
  EXPECT_EQ(disk.hard_state, (HardState{1, "n1"}));
  ASSERT_EQ(disk.entries.size(), 3u);
  // A new leader's entries replace the conflicting tail.
  ASSERT_TRUE(disk.apply(PersistEffect{HardState{2, ""}, std::nullopt, 3, {entry(3, 2, 31)}}));
  EXPECT_EQ(disk.entries.back(), entry(3, 2, 31));
  // A snapshot through index 2 drops what it covers.
  ASSERT_TRUE(disk.apply(PersistEffect{std::nullopt, PersistedSnapshot{2, 1, Value(7)}, 0, {}}));
  ASSERT_EQ(disk.entries.size(), 1u);
  EXPECT_EQ(disk.entries.front().index, 3);
  EXPECT_TRUE(disk.apply(PersistEffect{std::nullopt, std::nullopt, 0, {entry(4, 2, 40)}}));
  EXPECT_EQ(disk.entries.back().index, 4);
}

TEST(Persisted, AnEffectThatLeavesAGapChangesNothing) {
  Persisted disk;
  ASSERT_TRUE(disk.apply(PersistEffect{HardState{1, ""}, std::nullopt, 0, {entry(1, 1, 10)}}));
  const Persisted before = disk;
  EXPECT_FALSE(disk.apply(PersistEffect{HardState{5, "x"}, std::nullopt, 0, {entry(3, 1, 30)}}));
  EXPECT_EQ(disk, before);
  // A snapshot installed past the log's end, with the log discarded, is fine.
  EXPECT_TRUE(disk.apply(
      PersistEffect{std::nullopt, PersistedSnapshot{9, 3, Value(1)}, 10, {entry(10, 3, 5)}}));
  EXPECT_EQ(disk.entries.front().index, 10);
}

}  // namespace
}  // namespace eddy::core
