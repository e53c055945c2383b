// RecordedHistory and HistoryFeed: a run's history handed, op by op, to a
// reader on a thread of its own while the run is still recording it.
//
// A simulated run uses one core; what follows it (writing history.jsonl,
// the checker's passes that read the history alone) waited for the run to
// end and then shared the second core three ways. A HistoryFeed lets such
// work follow the run instead, on the second core, so that it is done, or
// nearly, when the run ends.
//
// How it stays safe:
//  - Entries are final once the next one is appended. A workload fills in
//    an op right after appending it (RecordedHistory::append returns it) and
//    never touches it again once it appends another. Any code that did would
//    already be wrong without a feed, since an append may move the storage.
//  - So each append publishes the entries before it (an atomic count,
//    release), and the reader reads only below that count (acquire).
//  - The reader holds a mutex while it reads a batch of entries, and an
//    append or a reserve that would move the storage takes that mutex first:
//    the storage never moves under the reader. The run waits at most one
//    batch, and only when the history outgrows its reservation.
//  - The reader never touches the vector itself, only the storage's address
//    that the run republishes, under the mutex, after each move.
//  - close() publishes every entry, wakes the reader and joins it, so after
//    it the reader has seen each entry once, in order.
// The run wakes the reader only once per kBatch entries, so a run pays an
// atomic store per op and a notify per batch.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "core/invariant.h"
#include "sim/huge_pages.h"

namespace eddy::sim {

template <class Entry>
class HistoryFeed {
 public:
  using Reader = std::function<void(const Entry&)>;

  // Starts the reader's thread; `reader` is called there with each entry in
  // history order.
  explicit HistoryFeed(Reader reader) : reader_(std::move(reader)), thread_([this] { run(); }) {}
  HistoryFeed(const HistoryFeed&) = delete;
  HistoryFeed& operator=(const HistoryFeed&) = delete;
  ~HistoryFeed() { close(); }

  // The run's side: entries [0, final_count) of the storage are final.
  void publish(size_t final_count) {
    published_.store(final_count, std::memory_order_release);
    if (final_count - woken_at_ >= kBatch) wake(final_count);
  }
  // Runs `move` (an append past the capacity, a reserve) while the reader
  // is between batches; `data` then gives the storage's new address.
  template <typename Move, typename Data>
  void moving_storage(Move&& move, Data&& data) {
    const std::lock_guard lock(storage_mutex_);
    move();
    storage_ = data();
  }
  // Publishes every entry and returns once the reader has seen them all.
  // Pre: the storage holds `final_count` entries.
  void close(size_t final_count) {
    published_.store(final_count, std::memory_order_release);
    close();
  }
  // The entries the reader has seen, once closed.
  size_t seen() const { return seen_; }

 private:
  static constexpr size_t kBatch = 1024;
  static constexpr size_t kCacheLine = 64;

  void wake(size_t final_count) {
    woken_at_ = final_count;
    { const std::lock_guard lock(wake_mutex_); }  // the reader is waiting, or has yet to look
    wake_.notify_one();
  }
  void close() {
    if (!thread_.joinable()) return;
    {
      const std::lock_guard lock(wake_mutex_);
      closed_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
  void run() {
    advise_thread_heap();  // the reader allocates as the run does: a heap of its own
    for (;;) {
      size_t upto = 0;
      bool closing = false;
      {
        std::unique_lock lock(wake_mutex_);
        wake_.wait(lock, [&] {
          return closed_ || published_.load(std::memory_order_acquire) - seen_ >= kBatch;
        });
        upto = published_.load(std::memory_order_acquire);
        closing = closed_;
      }
      size_t seen = seen_;
      while (seen < upto) {
        const std::lock_guard lock(storage_mutex_);
        const size_t end = std::min(upto, seen + kBatch);
        for (; seen < end; ++seen) reader_(storage_[seen]);
      }
      seen_ = seen;
      // After close(), nothing more is published: this was the last batch.
      if (closing) return;
    }
  }

  // What each side writes often is on a cache line of its own: the run's
  // count, published on every append, and the reader's own state.
  alignas(kCacheLine) std::atomic<size_t> published_{0};
  size_t woken_at_ = 0;  // the run's: the count it last woke the reader at
  alignas(kCacheLine) Reader reader_;
  size_t seen_ = 0;  // the reader's, written once per wake-up
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool closed_ = false;  // under wake_mutex_
  std::mutex storage_mutex_;
  const Entry* storage_ = nullptr;  // under storage_mutex_
  std::thread thread_;              // last: started once the rest is ready
};

// A workload's history: a vector that only grows at the back, fed to a
// HistoryFeed when one is attached. Without one it is a plain vector.
template <class Entry>
class RecordedHistory {
 public:
  // From now on every entry, those already here included, goes to `feed`.
  void attach(HistoryFeed<Entry>* feed) {
    feed_ = feed;
    if (feed_ != nullptr) move_storage([] {});
  }
  // Appends `entry`; the entries before it are final from now on.
  // (Moved in, or copied from a const entry.)
  template <class E>
  Entry& append(E&& entry) {
    // Before the storage the prefault works on is freed by a growth.
    if (entries_.size() == entries_.capacity()) prefault_.wait();
    if (feed_ == nullptr) return entries_.emplace_back(std::forward<E>(entry));
    feed_->publish(entries_.size());
    if (entries_.size() < entries_.capacity()) return entries_.emplace_back(std::forward<E>(entry));
    Entry* appended = nullptr;
    move_storage([&] { appended = &entries_.emplace_back(std::forward<E>(entry)); });
    return *appended;
  }
  void reserve(size_t count) {
    prefault_.wait();
    if (feed_ == nullptr || count <= entries_.capacity()) return entries_.reserve(count);
    move_storage([&] { entries_.reserve(count); });
  }
  // Has the room past the last entry faulted in on another thread while the
  // run fills it (PrefaultBeside, sim/huge_pages.h), and with it up to
  // `heap_ahead_bytes` of the heap past the storage's end, where the run's
  // next allocations come from when the storage was cut from the heap's top.
  void prefault_room(size_t heap_ahead_bytes = 0) {
    char* const end = reinterpret_cast<char*>(entries_.data() + entries_.capacity());
    prefault_ = PrefaultBeside(entries_.data() + entries_.size(),
                               (entries_.capacity() - entries_.size()) * sizeof(Entry), end,
                               heap_room_after(end, heap_ahead_bytes));
  }
  size_t size() const { return entries_.size(); }
  const std::vector<Entry>& entries() const { return entries_; }
  Entry* data() { return entries_.data(); }
  size_t capacity() const { return entries_.capacity(); }
  // The whole history; the feed, if any, has seen every entry first.
  std::vector<Entry> take() {
    prefault_.wait();
    if (feed_ != nullptr) {
      feed_->close(entries_.size());
      EDDY_INVARIANT(feed_->seen() == entries_.size(), "the history's reader missed entries");
      feed_ = nullptr;
    }
    return std::move(entries_);
  }

 private:
  // Runs `move`, which may move the storage, with the feed's reader kept out
  // of it, and tells the feed where the storage is now.
  template <typename Move>
  void move_storage(Move&& move) {
    feed_->moving_storage(std::forward<Move>(move), [&] { return entries_.data(); });
  }

  std::vector<Entry> entries_;
  HistoryFeed<Entry>* feed_ = nullptr;
  PrefaultBeside prefault_;  // after entries_: done with their storage first
};

}  // namespace eddy::sim
