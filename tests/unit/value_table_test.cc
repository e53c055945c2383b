// ValueTable: (key, message) pairs get dense ids in first-seen order, through
// the per-key rows (small messages) and the hashed table (all others) alike.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "checker/value_table.h"

namespace eddy::checker::detail {
namespace {

TEST(ValueTable, IdsAreDenseInFirstSeenOrder) {
  ValueTable table;
  EXPECT_EQ(table.intern(0, 1), 0);
  EXPECT_EQ(table.intern(0, 2), 1);
  EXPECT_EQ(table.intern(1, 1), 2);  // the same message in another key is another pair
  EXPECT_EQ(table.intern(0, 1), 0);
  EXPECT_EQ(table.size(), 3);
  EXPECT_EQ(table.key_of(2), 1);
  EXPECT_EQ(table.value_of(1), 2);
}

TEST(ValueTable, LargeAndNegativeMessagesAreHashed) {
  ValueTable table;
  const int64_t messages[] = {-1,
                              255,
                              256,
                              1'000'000'007,
                              std::numeric_limits<int64_t>::min(),
                              std::numeric_limits<int64_t>::max()};
  for (const int64_t message : messages) table.intern(3, message);
  EXPECT_EQ(table.size(), 6);
  for (int32_t id = 0; id < table.size(); ++id) {
    EXPECT_EQ(table.intern(3, messages[id]), id);
    EXPECT_EQ(table.value_of(id), messages[id]);
    EXPECT_EQ(table.key_of(id), 3);
  }
}

TEST(ValueTable, SurvivesGrowth) {
  ValueTable table;
  for (int32_t key = 0; key < 50; ++key) {
    for (int64_t message = 0; message < 2'000; message += 7) table.intern(key, message * 1'000);
  }
  int32_t expected = 0;
  for (int32_t key = 0; key < 50; ++key) {
    for (int64_t message = 0; message < 2'000; message += 7) {
      ASSERT_EQ(table.intern(key, message * 1'000), expected++);
    }
  }
  EXPECT_EQ(table.size(), expected);
}

}  // namespace
}  // namespace eddy::checker::detail
