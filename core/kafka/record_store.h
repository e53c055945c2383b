// RecordStore: the records (offset, message) of one key, about 8 bytes each.
//
// Offsets are not stored one by one: they are kept as runs of consecutive
// offsets, a run being {base offset, index of its first record}. A log
// appended by one node is one run; the multi-node strategies leave gaps, and
// each gap starts a new run. Runs are maximal (two runs never touch), so a
// lookup by offset is a binary search over runs.
//
// Messages are 8-byte words in fixed-size chunks (no vector that doubles and
// copies): an integer is its word, full int64 range; any other value's JSON
// text lives in the key's TextArena and its word is the text's reference. A
// per-chunk bitmap, allocated only once the chunk holds a text, tells the two
// apart. The first chunk starts small and doubles up to kChunkWords so that a
// key with few records stays small.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "core/kafka/text_arena.h"
#include "core/message.h"
#include "core/value.h"

namespace eddy::core::kafka {

class RecordStore {
 public:
  size_t size() const { return size_; }
  size_t run_count() const { return runs_.size(); }
  std::optional<int64_t> last_offset() const;
  bool contains(int64_t offset) const;
  // Stores `msg` at `offset` wherever it falls; false (nothing stored) if the
  // offset is taken. Appending past the last offset is the cheap case.
  bool insert(int64_t offset, const Value& msg);
  // Appends to `out` up to `count_max` records from the first offset >= `from`.
  size_t read(int64_t from, size_t count_max, std::vector<Record>& out) const;
  // Bytes allocated for runs, chunks, bitmaps and texts.
  size_t bytes() const;
  // Whether every invariant holds: the check without a message to build.
  bool invariants_hold() const { return first_broken().what == nullptr; }
  // Aborts, naming `key` and what is broken, if an invariant is not held.
  void check_invariants(std::string_view key) const;

  static constexpr size_t kChunkWords = 4096;

 private:
  // The first invariant found broken: what it breaks, and at which run
  // where that matters; what == nullptr when all hold.
  struct Broken {
    const char* what = nullptr;
    std::optional<size_t> run;
  };
  Broken first_broken() const;

  static constexpr size_t kFirstChunkWords = 8;
  static constexpr size_t kBitsPerWord = 64;

  struct Run {
    int64_t base;    // offset of the run's first record
    uint64_t start;  // index of the run's first record
  };
  struct Chunk {
    std::unique_ptr<uint64_t[]> words;
    std::unique_ptr<uint64_t[]> text_bits;  // null while the chunk holds integers only
  };
  // Where an offset falls: the index of the first record at or after it, the
  // run holding that index (runs_.size() at the end), and whether it is there.
  struct Position {
    size_t index;
    size_t run;
    bool found;
  };

  Position position(int64_t offset) const;
  uint64_t run_end(size_t run) const;  // one past the index of the run's last record
  uint64_t run_length(size_t run) const { return run_end(run) - runs_[run].start; }

  // The chunked words: index i is word i % kChunkWords of chunk i / kChunkWords.
  size_t capacity() const;
  void grow();
  uint64_t word(size_t index) const;
  bool is_text(size_t index) const;
  void set(size_t index, uint64_t word, bool text);
  // Stores a word at `index`, moving the ones from `index` on up by one.
  void insert_word(size_t index, uint64_t word, bool text);
  Value value(size_t index) const;

  std::vector<Run> runs_;
  std::vector<Chunk> chunks_;
  size_t first_chunk_words_ = 0;  // capacity of chunks_[0]
  size_t size_ = 0;
  TextArena texts_;
};

}  // namespace eddy::core::kafka
