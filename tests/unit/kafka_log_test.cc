// KafkaLog: per-key append-only logs and never-decreasing committed offsets.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "core/kafka/log.h"

namespace eddy::core::kafka {
namespace {

// read() into a fresh vector, checking that its count matches what it appended.
std::vector<Record> read(const KafkaLog& log, std::string_view key, int64_t from,
                         size_t count_max) {
  std::vector<Record> out;
  const size_t count = log.read(key, from, count_max, out);
  EXPECT_EQ(count, out.size());
  return out;
}

std::vector<int64_t> offsets_of(const std::vector<Record>& records) {
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
  const auto records = read(log, "a", 0, 10);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].msg, Value(10));
  EXPECT_EQ(records[1].msg.to_json_text(), R"({"x":[1]})");
}

TEST(KafkaLog, ReadStartsAtTheFirstOffsetAtOrAfterFrom) {
  KafkaLog log;
  for (int i = 0; i < 5; ++i) log.append("a", Value(i));
  EXPECT_EQ(offsets_of(read(log, "a", 0, 100)), (Offsets{0, 1, 2, 3, 4}));
  EXPECT_EQ(offsets_of(read(log, "a", 3, 100)), (Offsets{3, 4}));
  EXPECT_EQ(offsets_of(read(log, "a", 4, 100)), (Offsets{4}));
}

TEST(KafkaLog, ReadIsCappedByCount) {
  KafkaLog log;
  for (int i = 0; i < 5; ++i) log.append("a", Value(i));
  EXPECT_EQ(offsets_of(read(log, "a", 1, 2)), (Offsets{1, 2}));
  EXPECT_TRUE(read(log, "a", 0, 0).empty());
}

TEST(KafkaLog, ReadOfUnknownKeyIsEmpty) {
  KafkaLog log;
  log.append("a", Value(1));
  EXPECT_TRUE(read(log, "b", 0, 10).empty());
}

TEST(KafkaLog, ReadPastTheEndIsEmpty) {
  KafkaLog log;
  log.append("a", Value(1));
  log.append("a", Value(2));
  EXPECT_TRUE(read(log, "a", 2, 10).empty());
  EXPECT_TRUE(read(log, "a", 1'000'000, 10).empty());
}

TEST(KafkaLog, ReadOfAKeyWithOnlyACommitIsEmpty) {
  KafkaLog log;
  log.commit("a", 3);
  EXPECT_TRUE(read(log, "a", 0, 10).empty());
}

TEST(KafkaLog, SparseOffsetsReadFromTheNextStoredOne) {
  KafkaLog log;
  ASSERT_TRUE(log.append_at("a", 0, Value(100)));
  ASSERT_TRUE(log.append_at("a", 5, Value(105)));
  ASSERT_TRUE(log.append_at("a", 9, Value(109)));
  EXPECT_EQ(offsets_of(read(log, "a", 1, 10)), (Offsets{5, 9}));
  EXPECT_EQ(offsets_of(read(log, "a", 5, 10)), (Offsets{5, 9}));
  EXPECT_EQ(offsets_of(read(log, "a", 6, 10)), (Offsets{9}));
  EXPECT_EQ(read(log, "a", 6, 10)[0].msg, Value(109));
  EXPECT_EQ(log.next_offset("a"), 10);
}

TEST(KafkaLog, AppendAtRejectsNonIncreasingOffsets) {
  KafkaLog log;
  ASSERT_TRUE(log.append_at("a", 4, Value(1)));
  EXPECT_FALSE(log.append_at("a", 4, Value(2)));
  EXPECT_FALSE(log.append_at("a", 3, Value(3)));
  EXPECT_FALSE(log.append_at("a", 0, Value(4)));
  EXPECT_EQ(log.record_count(), 1u);
  const auto records = read(log, "a", 0, 10);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].msg, Value(1));
}

TEST(KafkaLog, AppendAtOnANewKeyMayStartAnywhere) {
  KafkaLog log;
  EXPECT_TRUE(log.append_at("fresh", 7, Value(1)));
  EXPECT_EQ(offsets_of(read(log, "fresh", 0, 10)), (Offsets{7}));
}

TEST(KafkaLog, AppendContinuesAfterAppendAt) {
  KafkaLog log;
  log.append("a", Value(0));
  ASSERT_TRUE(log.append_at("a", 9, Value(9)));
  EXPECT_EQ(log.append("a", Value(10)), 10);
  EXPECT_FALSE(log.append_at("a", 10, Value(0)));
  EXPECT_EQ(offsets_of(read(log, "a", 0, 10)), (Offsets{0, 9, 10}));
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

TEST(KafkaLog, RecordBytesCountsTextMessages) {
  KafkaLog ints;
  ints.append("a", Value(1));
  KafkaLog texts;
  const std::string text = "\"" + std::string(1000, 'x') + "\"";
  texts.append("a", Value::from_json_text(text));
  EXPECT_EQ(KafkaLog().record_bytes(), 0u);
  EXPECT_GT(ints.record_bytes(), 0u);
  EXPECT_GE(texts.record_bytes(), text.size());
  EXPECT_LT(ints.record_bytes(), texts.record_bytes());
}

TEST(KafkaLog, ReadAppendsToWhatTheVectorHolds) {
  KafkaLog log;
  log.append("a", Value(1));
  log.append("a", Value(2));
  std::vector<Record> out{Record{99, Value(-1)}};
  EXPECT_EQ(log.read("a", 0, 10, out), 2u);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].offset, 99);
  EXPECT_EQ(out[1].offset, 0);
  EXPECT_EQ(out[2].offset, 1);
  EXPECT_EQ(log.read("missing", 0, 10, out), 0u);
  EXPECT_EQ(out.size(), 3u);
}

TEST(KafkaLog, EveryKindOfMessageReadsBackUnchanged) {
  KafkaLog log;
  const std::vector<Value> msgs{
      Value(0),
      Value(-1),
      Value(std::numeric_limits<int64_t>::min()),
      Value(std::numeric_limits<int64_t>::max()),
      Value::from_json_text(R"("text")"),
      Value::from_json_text("null"),
      Value::from_json_text(R"({"a":[1,2,{"b":"c"}]})"),
      Value::from_json_text("18446744073709551615"),
      Value::from_json_text("1.5"),
      Value::from_json_text(R"("")"),
  };
  for (const Value& msg : msgs) log.append("k", msg);
  const auto records = read(log, "k", 0, 100);
  ASSERT_EQ(records.size(), msgs.size());
  for (size_t i = 0; i < msgs.size(); ++i) {
    SCOPED_TRACE(msgs[i].to_json_text());
    EXPECT_EQ(records[i].offset, static_cast<int64_t>(i));
    EXPECT_EQ(records[i].msg.is_integer(), msgs[i].is_integer());
    EXPECT_EQ(records[i].msg, msgs[i]);
  }
}

TEST(KafkaLog, ManyTextMessagesAcrossKeysReadBackUnchanged) {
  // Enough appends to move every key's storage several times.
  KafkaLog log;
  for (int i = 0; i < 3000; ++i) {
    const std::string key = "k" + std::to_string(i % 3);
    if (i % 2 == 0) {
      log.append(key, Value(i));
    } else {
      log.append(key, Value::from_json_text("[\"" + std::string(static_cast<size_t>(i % 50), 'x') +
                                            std::to_string(i) + "\"]"));
    }
  }
  for (int k = 0; k < 3; ++k) {
    const auto records = read(log, "k" + std::to_string(k), 0, 10'000);
    ASSERT_EQ(records.size(), 1000u);
    for (size_t j = 0; j < records.size(); ++j) {
      const int i = static_cast<int>(j) * 3 + k;
      ASSERT_EQ(records[j].offset, static_cast<int64_t>(j));
      if (i % 2 == 0) {
        ASSERT_EQ(records[j].msg, Value(i)) << "i=" << i;
      } else {
        ASSERT_EQ(records[j].msg.to_json_text(),
                  "[\"" + std::string(static_cast<size_t>(i % 50), 'x') + std::to_string(i) + "\"]")
            << "i=" << i;
      }
    }
  }
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
