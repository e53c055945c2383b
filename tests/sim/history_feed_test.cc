// HistoryFeed and RecordedHistory (sim/history_feed.h): a reader on its own
// thread sees every entry once, in order, and as it is in the final history,
// whether the history outgrows its storage under the reader or was reserved,
// and whatever its length against the feed's batch of 1024.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "sim/history_feed.h"

namespace eddy::sim {
namespace {

struct Entry {
  int64_t index = 0;
  std::string text;  // heap-allocated past 15 bytes: moved when the storage moves
};

std::vector<Entry> record(size_t count, size_t reserve_at, std::vector<Entry>& seen) {
  HistoryFeed<Entry> feed([&](const Entry& entry) { seen.push_back(entry); });
  RecordedHistory<Entry> history;
  history.attach(&feed);
  for (size_t i = 0; i < count; ++i) {
    if (i == reserve_at) history.reserve(count + 10);
    Entry& appended = history.append(Entry{});
    // Filled in after its append, as a workload fills in an op; where the
    // reader is woken (each 1024 entries) only after a while, so that a
    // reader shown an entry before it is final would see it empty.
    if (i % 1024 == 0 && i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    appended.index = static_cast<int64_t>(i);
    appended.text = "entry number " + std::to_string(i) + " of the history, long enough";
  }
  return history.take();
}

TEST(HistoryFeed, TheReaderSeesEveryEntryFinalAndInOrder) {
  for (const size_t count : {0, 1, 2, 1023, 1024, 1025, 2048, 5000, 70000}) {
    for (const size_t reserve_at : {size_t{0}, count / 2, size_t{SIZE_MAX}}) {
      std::vector<Entry> seen;
      const std::vector<Entry> history = record(count, reserve_at, seen);
      ASSERT_EQ(history.size(), count);
      ASSERT_EQ(seen.size(), count) << "count " << count << ", reserved at " << reserve_at;
      for (size_t i = 0; i < count; ++i) {
        ASSERT_EQ(seen[i].index, static_cast<int64_t>(i)) << "count " << count;
        ASSERT_EQ(seen[i].text, history[i].text) << "count " << count;
      }
    }
  }
}

TEST(HistoryFeed, AHistoryWithoutAFeedIsAPlainVector) {
  RecordedHistory<Entry> history;
  history.reserve(4);
  for (int i = 0; i < 10; ++i) history.append(Entry{i, "x"}).text += "y";
  const std::vector<Entry> entries = history.take();
  ASSERT_EQ(entries.size(), 10u);
  EXPECT_EQ(entries[9].index, 9);
  EXPECT_EQ(entries[9].text, "xy");
}

TEST(HistoryFeed, AFeedDestroyedUnclosedStopsItsReader) {
  std::vector<Entry> seen;
  {
    HistoryFeed<Entry> feed([&](const Entry& entry) { seen.push_back(entry); });
  }
  EXPECT_TRUE(seen.empty());
}

}  // namespace
}  // namespace eddy::sim
