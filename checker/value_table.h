// ValueTable: interns (key id, message value) pairs into dense ids 0, 1, 2...
// in first-seen order, so that the checker can keep per-message facts in flat
// vectors. Small messages index a per-key row; others go to an open-addressing
// table with linear probing. A million messages are looked up several times
// each, and std::unordered_map's node per entry would cost more than the
// whole analysis. Ids never escape into output; order comes from the
// history and from the keys' natural order.
#pragma once

#include <cstdint>
#include <vector>

namespace eddy::checker::detail {

class ValueTable {
 public:
  ValueTable() { slots_.resize(kInitialSlots); }

  // The id of (key, value), added if new.
  int32_t intern(int32_t key, int64_t value) {
    if (value >= 0 && value < kDirectMax) return intern_direct(key, value);
    for (uint64_t i = hash(key, value) & mask();; i = (i + 1) & mask()) {
      Slot& slot = slots_[i];
      if (slot.id_plus_one == 0) {
        const int32_t id = add(key, value);
        slot = Slot{value, key, id + 1};
        // Keep the load at or under one half so that probes stay short.
        if (++hashed_ * 2 > slots_.size()) grow();
        return id;
      }
      if (slot.value == value && slot.key == key) return slot.id_plus_one - 1;
    }
  }

  int32_t size() const { return static_cast<int32_t>(keys_.size()); }
  void reserve(size_t ids) {
    keys_.reserve(ids);
    values_.reserve(ids);
  }
  int32_t key_of(int32_t id) const { return keys_[static_cast<size_t>(id)]; }
  int64_t value_of(int32_t id) const { return values_[static_cast<size_t>(id)]; }

 private:
  struct Slot {
    int64_t value = 0;
    int32_t key = 0;
    int32_t id_plus_one = 0;  // 0: empty
  };
  static constexpr size_t kInitialSlots = 1024;
  // Messages in [0, kDirectMax) (Maelstrom's are 1..16 per key) are found by
  // indexing a per-key row, with no hashing.
  static constexpr int64_t kDirectMax = 256;

  int32_t add(int32_t key, int64_t value) {
    keys_.push_back(key);
    values_.push_back(value);
    return static_cast<int32_t>(keys_.size()) - 1;
  }

  int32_t intern_direct(int32_t key, int64_t value) {
    const auto k = static_cast<size_t>(key);
    const auto v = static_cast<size_t>(value);
    if (k >= direct_.size()) direct_.resize(k + 1);
    std::vector<int32_t>& row = direct_[k];
    if (v >= row.size()) row.resize(v + 1, 0);
    if (row[v] == 0) row[v] = add(key, value) + 1;
    return row[v] - 1;
  }

  uint64_t mask() const { return slots_.size() - 1; }

  // splitmix64's finaliser over the pair: values are small consecutive
  // integers, so the mixing matters.
  static uint64_t hash(int32_t key, int64_t value) {
    uint64_t x = static_cast<uint64_t>(value) ^
                 (static_cast<uint64_t>(static_cast<uint32_t>(key)) * 0x9e3779b97f4a7c15ULL);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }

  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& slot : old) {
      if (slot.id_plus_one == 0) continue;
      uint64_t i = hash(slot.key, slot.value) & mask();
      while (slots_[i].id_plus_one != 0) i = (i + 1) & mask();
      slots_[i] = slot;
    }
  }

  std::vector<Slot> slots_;                   // size: a power of two
  size_t hashed_ = 0;                         // ids in slots_
  std::vector<std::vector<int32_t>> direct_;  // by key: id + 1 by message, 0 if none
  std::vector<int32_t> keys_;
  std::vector<int64_t> values_;
};

}  // namespace eddy::checker::detail
