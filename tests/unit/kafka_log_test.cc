// KafkaLog: per-key append-only logs and never-decreasing committed offsets.
#include <gtest/gtest.h>

#include <span>
#include <string>
#include <vector>

#include "core/kafka/log.h"

namespace eddy::core::kafka {
namespace {

std::vector<int64_t> offsets_of(std::span<const Record> records) {
  std::vector<int64_t> out;
  for (const Record& record : records) out.push_back(record.offset);
  return out;
}

using Offsets = std::vector<int64_t>;

TEST(KafkaLog, OffsetsIncreaseFromZeroPerKey) {
  KafkaLog log;
  EXPECT_EQ(log.append("a", Value(10)), 0);
  EXPECT_EQ(log.append("a", Value(11)), 1);
  EXPECT_EQ(log.append("b", Value(20)), 0);
  EXPECT_EQ(log.append("a", Value(12)), 2);
  EXPECT_EQ(log.append("b", Value(21)), 1);
  EXPECT_EQ(log.next_offset("a"), 3);
  EXPECT_EQ(log.next_offset("b"), 2);
  EXPECT_EQ(log.next_offset("never"), 0);
  EXPECT_EQ(log.key_count(), 2u);
  EXPECT_EQ(log.record_count(), 5u);
}

TEST(KafkaLog, ReadKeepsTheMessages) {
  KafkaLog log;
  log.append("a", Value(10));
  log.append("a", Value::from_json_text(R"({"x":[1]})"));
  const auto records = log.read("a", 0, 10);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].msg, Value(10));
  EXPECT_EQ(records[1].msg.to_json_text(), R"({"x":[1]})");
}

TEST(KafkaLog, ReadStartsAtTheFirstOffsetAtOrAfterFrom) {
  KafkaLog log;
  for (int i = 0; i < 5; ++i) log.append("a", Value(i));
  EXPECT_EQ(offsets_of(log.read("a", 0, 100)), (Offsets{0, 1, 2, 3, 4}));
  EXPECT_EQ(offsets_of(log.read("a", 3, 100)), (Offsets{3, 4}));
  EXPECT_EQ(offsets_of(log.read("a", 4, 100)), (Offsets{4}));
}

TEST(KafkaLog, ReadIsCappedByCount) {
  KafkaLog log;
  for (int i = 0; i < 5; ++i) log.append("a", Value(i));
  EXPECT_EQ(offsets_of(log.read("a", 1, 2)), (Offsets{1, 2}));
  EXPECT_TRUE(log.read("a", 0, 0).empty());
}

TEST(KafkaLog, ReadOfUnknownKeyIsEmpty) {
  KafkaLog log;
  log.append("a", Value(1));
  EXPECT_TRUE(log.read("b", 0, 10).empty());
}

TEST(KafkaLog, ReadPastTheEndIsEmpty) {
  KafkaLog log;
  log.append("a", Value(1));
  log.append("a", Value(2));
  EXPECT_TRUE(log.read("a", 2, 10).empty());
  EXPECT_TRUE(log.read("a", 1'000'000, 10).empty());
}

TEST(KafkaLog, ReadOfAKeyWithOnlyACommitIsEmpty) {
  KafkaLog log;
  log.commit("a", 3);
  EXPECT_TRUE(log.read("a", 0, 10).empty());
}

TEST(KafkaLog, SparseOffsetsReadFromTheNextStoredOne) {
  KafkaLog log;
  ASSERT_TRUE(log.append_at("a", 0, Value(100)));
  ASSERT_TRUE(log.append_at("a", 5, Value(105)));
  ASSERT_TRUE(log.append_at("a", 9, Value(109)));
  EXPECT_EQ(offsets_of(log.read("a", 1, 10)), (Offsets{5, 9}));
  EXPECT_EQ(offsets_of(log.read("a", 5, 10)), (Offsets{5, 9}));
  EXPECT_EQ(offsets_of(log.read("a", 6, 10)), (Offsets{9}));
  EXPECT_EQ(log.read("a", 6, 10)[0].msg, Value(109));
  EXPECT_EQ(log.next_offset("a"), 10);
}

TEST(KafkaLog, AppendAtRejectsNonIncreasingOffsets) {
  KafkaLog log;
  ASSERT_TRUE(log.append_at("a", 4, Value(1)));
  EXPECT_FALSE(log.append_at("a", 4, Value(2)));
  EXPECT_FALSE(log.append_at("a", 3, Value(3)));
  EXPECT_FALSE(log.append_at("a", 0, Value(4)));
  EXPECT_EQ(log.record_count(), 1u);
  const auto records = log.read("a", 0, 10);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].msg, Value(1));
}

TEST(KafkaLog, AppendAtOnANewKeyMayStartAnywhere) {
  KafkaLog log;
  EXPECT_TRUE(log.append_at("fresh", 7, Value(1)));
  EXPECT_EQ(offsets_of(log.read("fresh", 0, 10)), (Offsets{7}));
}

TEST(KafkaLog, AppendContinuesAfterAppendAt) {
  KafkaLog log;
  log.append("a", Value(0));
  ASSERT_TRUE(log.append_at("a", 9, Value(9)));
  EXPECT_EQ(log.append("a", Value(10)), 10);
  EXPECT_FALSE(log.append_at("a", 10, Value(0)));
  EXPECT_EQ(offsets_of(log.read("a", 0, 10)), (Offsets{0, 9, 10}));
}

TEST(KafkaLog, CommitNeverMovesBackwards) {
  KafkaLog log;
  EXPECT_FALSE(log.committed("a").has_value());
  log.commit("a", 5);
  EXPECT_EQ(log.committed("a"), 5);
  log.commit("a", 3);
  EXPECT_EQ(log.committed("a"), 5);
  log.commit("a", 5);
  EXPECT_EQ(log.committed("a"), 5);
  log.commit("a", 8);
  EXPECT_EQ(log.committed("a"), 8);
}

TEST(KafkaLog, CommitOfZeroIsRecorded) {
  KafkaLog log;
  log.commit("a", 0);
  EXPECT_EQ(log.committed("a"), 0);
}

TEST(KafkaLog, CommitsArePerKey) {
  KafkaLog log;
  log.append("a", Value(1));
  log.commit("a", 0);
  log.commit("b", 7);
  EXPECT_EQ(log.committed("a"), 0);
  EXPECT_EQ(log.committed("b"), 7);
  EXPECT_FALSE(log.committed("c").has_value());
}

TEST(KafkaLog, AKeyWithRecordsButNoCommitHasNoCommittedOffset) {
  KafkaLog log;
  log.append("a", Value(1));
  EXPECT_FALSE(log.committed("a").has_value());
}

TEST(KafkaLog, CommitDoesNotAddRecords) {
  KafkaLog log;
  log.commit("a", 3);
  EXPECT_EQ(log.record_count(), 0u);
  EXPECT_EQ(log.next_offset("a"), 0);
  EXPECT_EQ(log.append("a", Value(1)), 0);
}

TEST(KafkaLog, RecordBytesCountsOutOfLineValues) {
  KafkaLog ints;
  ints.append("a", Value(1));
  KafkaLog texts;
  texts.append("a", Value::from_json_text(R"("0123456789")"));
  EXPECT_EQ(KafkaLog().record_bytes(), 0u);
  EXPECT_GE(ints.record_bytes(), sizeof(Record));
  EXPECT_EQ(texts.record_bytes(), ints.record_bytes() + 12);
}

TEST(KafkaLog, InvariantsHoldAfterAMixOfOperations) {
  KafkaLog log;
  for (int i = 0; i < 50; ++i) {
    const std::string key = "k" + std::to_string(i % 7);
    if (i % 5 == 0) {
      log.append_at(key, log.next_offset(key) + 3, Value(i));
    } else {
      log.append(key, Value(i));
    }
    log.commit(key, i % 4);
    log.append_at(key, 0, Value(-1));  // always refused once the key has records
  }
  log.check_invariants();
  EXPECT_EQ(log.record_count(), 50u);
}

}  // namespace
}  // namespace eddy::core::kafka
