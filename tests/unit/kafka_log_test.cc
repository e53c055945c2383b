// KafkaLog: per-key append-only logs and never-decreasing committed offsets;
// and its storage, RecordStore: runs of consecutive offsets (contiguous, with
// gaps, gaps filled), chunk boundaries, mixed integer and JSON messages, the
// int64 extremes, large texts, and the bytes a record costs.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/kafka/log.h"
#include "core/kafka/record_store.h"

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

// --- Storage: runs, chunks, texts -------------------------------------------

constexpr int64_t kChunk = static_cast<int64_t>(RecordStore::kChunkWords);
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// A message that depends on its offset: integers and texts alternating in
// blocks of 3, so that both kinds meet at any chunk boundary.
Value message_for(int64_t offset) {
  if ((offset / 3) % 2 == 0) return Value(offset * 7 - 1);
  return Value::from_json_text("{\"o\":" + std::to_string(offset) + "}");
}

// Every record of `store` against `model`, by reading from each stored offset
// and from the one before it, with a count that crosses any run boundary.
void expect_matches(const RecordStore& store, const std::map<int64_t, Value>& model) {
  store.check_invariants("k");
  ASSERT_EQ(store.size(), model.size());
  std::vector<Record> all;
  ASSERT_EQ(store.read(kMin, model.size() + 1, all), model.size());
  size_t i = 0;
  for (const auto& [offset, msg] : model) {
    ASSERT_EQ(all[i].offset, offset) << "record " << i;
    ASSERT_EQ(all[i].msg, msg) << "offset " << offset;
    ASSERT_TRUE(store.contains(offset));
    ++i;
  }
}

TEST(RecordStore, ContiguousAppendsAcrossChunksAreOneRun) {
  RecordStore store;
  std::map<int64_t, Value> model;
  for (int64_t o = 0; o < 3 * kChunk + 5; ++o) {
    ASSERT_TRUE(store.insert(o, message_for(o)));
    model.emplace(o, message_for(o));
  }
  EXPECT_EQ(store.run_count(), 1u);
  EXPECT_EQ(store.last_offset(), 3 * kChunk + 4);
  expect_matches(store, model);
  for (const int64_t from : {kChunk - 1, kChunk, 2 * kChunk - 2, 3 * kChunk + 4}) {
    std::vector<Record> out;
    ASSERT_EQ(store.read(from, 3, out),
              std::min<size_t>(3, static_cast<size_t>(3 * kChunk + 5 - from)));
    for (size_t j = 0; j < out.size(); ++j) {
      EXPECT_EQ(out[j].offset, from + static_cast<int64_t>(j));
      EXPECT_EQ(out[j].msg, message_for(from + static_cast<int64_t>(j)));
    }
  }
}

TEST(RecordStore, GapsStartRunsAndReadsSkipThem) {
  RecordStore store;
  for (int64_t o = 0; o < 10; ++o) ASSERT_TRUE(store.insert(o, Value(o)));
  for (int64_t o = 20; o < 30; ++o) ASSERT_TRUE(store.insert(o, Value(o)));
  ASSERT_TRUE(store.insert(100, Value(100)));
  EXPECT_EQ(store.run_count(), 3u);
  EXPECT_FALSE(store.contains(10));
  EXPECT_FALSE(store.contains(19));
  EXPECT_FALSE(store.contains(-1));
  EXPECT_FALSE(store.contains(101));
  std::vector<Record> out;
  ASSERT_EQ(store.read(10, 3, out), 3u);  // starts at the next stored offset
  EXPECT_EQ(offsets_of(out), (Offsets{20, 21, 22}));
  out.clear();
  ASSERT_EQ(store.read(8, 5, out), 5u);  // across a gap
  EXPECT_EQ(offsets_of(out), (Offsets{8, 9, 20, 21, 22}));
  out.clear();
  ASSERT_EQ(store.read(28, 10, out), 3u);
  EXPECT_EQ(offsets_of(out), (Offsets{28, 29, 100}));
  out.clear();
  EXPECT_EQ(store.read(101, 10, out), 0u);
  store.check_invariants("k");
}

TEST(RecordStore, ReadWithTheLargestCountFromTheMiddle) {
  RecordStore store;
  for (const int64_t o : {0, 1, 2, 5, 6, 9}) ASSERT_TRUE(store.insert(o, Value(o)));
  std::vector<Record> out;
  ASSERT_EQ(store.read(1, SIZE_MAX, out), 5u);
  EXPECT_EQ(offsets_of(out), (Offsets{1, 2, 5, 6, 9}));
}

TEST(RecordStore, FillingGapsJoinsRuns) {
  RecordStore store;
  std::map<int64_t, Value> model;
  for (const int64_t o : {0, 1, 2, 4, 5, 7, 9}) {
    ASSERT_TRUE(store.insert(o, message_for(o)));
    model.emplace(o, message_for(o));
  }
  EXPECT_EQ(store.run_count(), 4u);
  ASSERT_TRUE(store.insert(3, message_for(3)));  // joins {0..2} and {4, 5}
  model.emplace(3, message_for(3));
  EXPECT_EQ(store.run_count(), 3u);
  ASSERT_TRUE(store.insert(-1, message_for(-1)));  // before everything: grows the first run
  model.emplace(-1, message_for(-1));
  EXPECT_EQ(store.run_count(), 3u);
  ASSERT_TRUE(store.insert(-5, message_for(-5)));  // before everything, with a gap
  model.emplace(-5, message_for(-5));
  EXPECT_EQ(store.run_count(), 4u);
  ASSERT_TRUE(store.insert(8, message_for(8)));  // joins {7} and {9}
  ASSERT_TRUE(store.insert(6, message_for(6)));  // joins {-1..5} and {7..9}
  model.emplace(8, message_for(8));
  model.emplace(6, message_for(6));
  EXPECT_EQ(store.run_count(), 2u);
  EXPECT_FALSE(store.insert(6, Value(0)));  // taken
  expect_matches(store, model);
}

TEST(RecordStore, AGapInsideAChunkFilledLater) {
  // Every other offset of two chunks' worth, then the holes from the back:
  // each insert moves the later records (texts too) across chunk boundaries.
  RecordStore store;
  std::map<int64_t, Value> model;
  for (int64_t o = 0; o < 2 * kChunk + 10; o += 2) {
    ASSERT_TRUE(store.insert(o, message_for(o)));
    model.emplace(o, message_for(o));
  }
  EXPECT_EQ(store.run_count(), static_cast<size_t>(kChunk + 5));
  for (const int64_t o : {kChunk + 1, kChunk - 1, int64_t{2001}, int64_t{1}}) {
    ASSERT_TRUE(store.insert(o, message_for(o)));
    model.emplace(o, message_for(o));
    expect_matches(store, model);
  }
  for (int64_t o = 2 * kChunk + 9; o > 0; o -= 2) {
    if (model.contains(o)) continue;
    ASSERT_TRUE(store.insert(o, message_for(o)));
    model.emplace(o, message_for(o));
  }
  EXPECT_EQ(store.run_count(), 1u);
  expect_matches(store, model);
}

TEST(RecordStore, Int64ExtremesAsOffsetsAndMessages) {
  RecordStore store;
  std::map<int64_t, Value> model{{kMin, Value(kMax)},
                                 {kMin + 1, Value(kMin)},
                                 {0, Value(0)},
                                 {kMax - 1, Value(-1)},
                                 {kMax, Value::from_json_text("18446744073709551615")}};
  ASSERT_TRUE(store.insert(0, model.at(0)));
  ASSERT_TRUE(store.insert(kMax - 1, model.at(kMax - 1)));
  ASSERT_TRUE(store.insert(kMax, model.at(kMax)));  // follows on: same run
  ASSERT_TRUE(store.insert(kMin + 1, model.at(kMin + 1)));
  ASSERT_TRUE(store.insert(kMin, model.at(kMin)));  // just before: same run
  EXPECT_EQ(store.run_count(), 3u);
  EXPECT_EQ(store.last_offset(), kMax);
  EXPECT_FALSE(store.contains(kMin + 2));
  EXPECT_FALSE(store.contains(kMax - 2));
  expect_matches(store, model);
  std::vector<Record> out;
  ASSERT_EQ(store.read(1, 10, out), 2u);
  EXPECT_EQ(offsets_of(out), (Offsets{kMax - 1, kMax}));
}

TEST(RecordStore, LargeAndVarintBoundaryTextsReadBackUnchanged) {
  // Text sizes either side of one- and two-byte lengths, of the arena's
  // own-block threshold and of a whole block, between small messages.
  RecordStore store;
  std::map<int64_t, Value> model;
  int64_t offset = 0;
  for (const size_t size : {125, 126, 127, 128, 16381, 16382, 16383, 16384, 8190, 8191, 8192, 65534,
                            65535, 65536, 300000, 1000}) {
    const Value big = Value::from_json_text("\"" + std::string(size - 2, 'x') + "\"");
    ASSERT_EQ(big.json_text().size(), size);
    for (const Value& msg : {big, Value(offset), Value::from_json_text("[1]")}) {
      ASSERT_TRUE(store.insert(offset, msg));
      model.emplace(offset++, msg);
    }
  }
  expect_matches(store, model);
}

TEST(RecordStore, ARefusedInsertStoresNothing) {
  RecordStore store;
  ASSERT_TRUE(store.insert(5, Value(1)));
  const size_t bytes = store.bytes();
  EXPECT_FALSE(store.insert(5, Value::from_json_text("\"" + std::string(5000, 'y') + "\"")));
  EXPECT_EQ(store.bytes(), bytes);
  EXPECT_EQ(store.size(), 1u);
}

TEST(RecordStore, AnIntegerCostsAboutEightBytes) {
  RecordStore one;
  ASSERT_TRUE(one.insert(0, Value(1)));
  EXPECT_LT(one.bytes(), 200u) << "a key with one record stays small";
  RecordStore many;
  constexpr int64_t kCount = 10'000;
  for (int64_t o = 0; o < kCount; ++o) ASSERT_TRUE(many.insert(o, Value(o)));
  // Three 4096-word chunks for 10000 records: 9.8 bytes each, plus one run.
  EXPECT_LE(many.bytes(), static_cast<size_t>(kCount) * 10);
}

TEST(RecordStore, ATextCostsItsSizeAndAboutNineBytes) {
  RecordStore store;
  constexpr int64_t kCount = 10'000;
  const std::string text = "\"message-123456\"";  // 16 bytes
  for (int64_t o = 0; o < kCount; ++o) {
    ASSERT_TRUE(store.insert(o, Value::from_json_text(text)));
  }
  // 8 (word) + 1/8 (bitmap) + 17 (length and text), chunks and blocks not yet full.
  EXPECT_LE(store.bytes(), static_cast<size_t>(kCount) * 30);
}

TEST(KafkaLog, InsertFillsGapsAndRefusesTakenOffsets) {
  KafkaLog log;
  ASSERT_TRUE(log.insert("a", 4, Value(4)));
  ASSERT_TRUE(log.insert("a", 0, Value(0)));
  ASSERT_TRUE(log.insert("a", 2, Value::from_json_text("\"two\"")));
  EXPECT_FALSE(log.insert("a", 2, Value(9)));
  EXPECT_TRUE(log.contains("a", 2));
  EXPECT_FALSE(log.contains("a", 3));
  EXPECT_FALSE(log.contains("b", 0));
  EXPECT_EQ(offsets_of(read(log, "a", 0, 10)), (Offsets{0, 2, 4}));
  EXPECT_EQ(read(log, "a", 1, 1)[0].msg, Value::from_json_text("\"two\""));
  EXPECT_EQ(log.next_offset("a"), 5);
  EXPECT_EQ(log.append("a", Value(5)), 5);
  log.check_invariants();
}

}  // namespace
}  // namespace eddy::core::kafka
