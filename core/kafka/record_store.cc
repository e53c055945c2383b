// RecordStore: see record_store.h.
//
// Offset arithmetic is done on uint64_t: offsets span all of int64, so the
// distance from a run's base to an offset above it may not fit an int64.
#include "core/kafka/record_store.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "core/invariant.h"

namespace eddy::core::kafka {
namespace {

uint64_t distance(int64_t from, int64_t to) {  // pre: from <= to
  return static_cast<uint64_t>(to) - static_cast<uint64_t>(from);
}

int64_t advance(int64_t base, uint64_t by) {
  return static_cast<int64_t>(static_cast<uint64_t>(base) + by);
}

}  // namespace

uint64_t RecordStore::run_end(size_t run) const {
  return run + 1 < runs_.size() ? runs_[run + 1].start : size_;
}

std::optional<int64_t> RecordStore::last_offset() const {
  if (runs_.empty()) return std::nullopt;
  return advance(runs_.back().base, run_length(runs_.size() - 1) - 1);
}

RecordStore::Position RecordStore::position(int64_t offset) const {
  // The last run whose base is <= offset.
  const auto after = std::upper_bound(runs_.begin(), runs_.end(), offset,
                                      [](int64_t o, const Run& run) { return o < run.base; });
  if (after == runs_.begin()) return Position{0, 0, false};
  const auto run = static_cast<size_t>(after - runs_.begin()) - 1;
  const uint64_t into = distance(runs_[run].base, offset);
  if (into < run_length(run)) return Position{runs_[run].start + into, run, true};
  return Position{run_end(run), run + 1, false};
}

bool RecordStore::contains(int64_t offset) const { return position(offset).found; }

bool RecordStore::insert(int64_t offset, const Value& msg) {
  const std::optional<int64_t> last = last_offset();
  Position at{size_, runs_.size(), false};
  if (last && offset <= *last) {
    at = position(offset);
    if (at.found) return false;
  }
  const bool text = !msg.is_integer();
  const uint64_t word = text ? texts_.add(msg.json_text()) : static_cast<uint64_t>(msg.integer());
  insert_word(at.index, word, text);
  // The run before the new record grows by it if the record follows it
  // directly; otherwise the record starts a run of its own.
  size_t holder = at.run;
  const bool extends =
      at.run > 0 && distance(runs_[at.run - 1].base, offset) == at.index - runs_[at.run - 1].start;
  if (extends) {
    holder = at.run - 1;
  } else {
    runs_.insert(runs_.begin() + static_cast<std::ptrdiff_t>(at.run), Run{offset, at.index});
  }
  for (size_t run = holder + 1; run < runs_.size(); ++run) ++runs_[run].start;
  // A gap filled exactly: the next run now follows on and joins this one.
  if (holder + 1 < runs_.size() && runs_[holder + 1].base == offset + 1) {
    runs_.erase(runs_.begin() + static_cast<std::ptrdiff_t>(holder + 1));
  }
  return true;
}

size_t RecordStore::read(int64_t from, size_t count_max, std::vector<Record>& out) const {
  Position at = position(from);
  out.reserve(out.size() + static_cast<size_t>(std::min<uint64_t>(size_ - at.index, count_max)));
  size_t count = 0;
  size_t index = at.index;
  size_t run = at.run;
  while (index < size_ && count < count_max) {
    // Up to the run's end or the count, whichever comes first (count_max may
    // be SIZE_MAX: no index + count_max, which would wrap).
    const uint64_t end = index + std::min<uint64_t>(run_end(run) - index, count_max - count);
    for (; index < end; ++index, ++count) {
      out.push_back(Record{advance(runs_[run].base, index - runs_[run].start), value(index)});
    }
    ++run;
  }
  return count;
}

size_t RecordStore::capacity() const {
  return chunks_.empty() ? 0 : (chunks_.size() - 1) * kChunkWords + first_chunk_words_;
}

void RecordStore::grow() {
  if (chunks_.empty() || first_chunk_words_ < kChunkWords) {
    // The first chunk: allocate or double it, up to a full chunk.
    const size_t words = chunks_.empty() ? kFirstChunkWords : first_chunk_words_ * 2;
    Chunk grown{std::make_unique_for_overwrite<uint64_t[]>(words), nullptr};
    if (!chunks_.empty()) {
      std::memcpy(grown.words.get(), chunks_[0].words.get(), size_ * sizeof(uint64_t));
      if (chunks_[0].text_bits) {
        const size_t bits_words = (words + kBitsPerWord - 1) / kBitsPerWord;
        grown.text_bits = std::make_unique<uint64_t[]>(bits_words);  // zeroed
        std::memcpy(grown.text_bits.get(), chunks_[0].text_bits.get(),
                    (first_chunk_words_ + kBitsPerWord - 1) / kBitsPerWord * sizeof(uint64_t));
      }
      chunks_[0] = std::move(grown);
    } else {
      chunks_.push_back(std::move(grown));
    }
    first_chunk_words_ = words;
    return;
  }
  chunks_.push_back(Chunk{std::make_unique_for_overwrite<uint64_t[]>(kChunkWords), nullptr});
}

uint64_t RecordStore::word(size_t index) const {
  return chunks_[index / kChunkWords].words[index % kChunkWords];
}

bool RecordStore::is_text(size_t index) const {
  const Chunk& chunk = chunks_[index / kChunkWords];
  const size_t i = index % kChunkWords;
  return chunk.text_bits && ((chunk.text_bits[i / kBitsPerWord] >> (i % kBitsPerWord)) & 1u) != 0;
}

void RecordStore::set(size_t index, uint64_t word, bool text) {
  Chunk& chunk = chunks_[index / kChunkWords];
  const size_t i = index % kChunkWords;
  chunk.words[i] = word;
  if (!chunk.text_bits) {
    if (!text) return;
    const size_t words = index < kChunkWords ? first_chunk_words_ : kChunkWords;
    chunk.text_bits = std::make_unique<uint64_t[]>((words + kBitsPerWord - 1) / kBitsPerWord);
  }
  const uint64_t bit = uint64_t{1} << (i % kBitsPerWord);
  if (text) {
    chunk.text_bits[i / kBitsPerWord] |= bit;
  } else {
    chunk.text_bits[i / kBitsPerWord] &= ~bit;
  }
}

void RecordStore::insert_word(size_t index, uint64_t word, bool text) {
  if (size_ == capacity()) grow();
  // Records arrive mostly in order, so this loop is usually short; an early
  // offset costs a move of every later record, as a vector insert would.
  for (size_t i = size_; i > index; --i) set(i, this->word(i - 1), is_text(i - 1));
  set(index, word, text);
  ++size_;
}

Value RecordStore::value(size_t index) const {
  const uint64_t stored = word(index);
  if (is_text(index)) return Value::from_json_text(texts_.text(stored));
  return Value(static_cast<int64_t>(stored));
}

size_t RecordStore::bytes() const {
  size_t bytes = runs_.capacity() * sizeof(Run) + chunks_.capacity() * sizeof(Chunk);
  for (size_t c = 0; c < chunks_.size(); ++c) {
    const size_t words = c == 0 ? first_chunk_words_ : kChunkWords;
    bytes += words * sizeof(uint64_t);
    if (chunks_[c].text_bits) {
      bytes += (words + kBitsPerWord - 1) / kBitsPerWord * sizeof(uint64_t);
    }
  }
  return bytes + texts_.bytes();
}

RecordStore::Broken RecordStore::first_broken() const {
  if (runs_.empty() != (size_ == 0))
    return {"have records but no runs, or runs only", std::nullopt};
  if (size_ > capacity()) return {"outgrew their chunks", std::nullopt};
  for (size_t run = 0; run < runs_.size(); ++run) {
    if (run == 0 && runs_[run].start != 0) return {"start after index 0", std::nullopt};
    if (run_end(run) <= runs_[run].start) return {"hold an empty run", std::nullopt};
    if (run == 0) continue;
    // Offsets strictly increase, and runs are maximal: a gap between any two.
    const size_t before = run - 1;
    const int64_t last_before = advance(runs_[before].base, run_length(before) - 1);
    if (last_before + 1 >= runs_[run].base) {
      return {"are not strictly increasing, or two runs touch", run};
    }
  }
  return {};
}

void RecordStore::check_invariants(std::string_view key) const {
  // The message is built only when a check fails: the simulator runs this
  // over every key every invariant_check_every_steps steps.
  const Broken broken = first_broken();
  EDDY_INVARIANT(broken.what == nullptr,
                 "the records of key '" + std::string(key) + "' " + broken.what +
                     (broken.run ? ", at run " + std::to_string(*broken.run) : std::string()));
}

}  // namespace eddy::core::kafka
