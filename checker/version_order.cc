#include "checker/version_order.h"

#include <algorithm>
#include <tuple>

namespace eddy::checker::detail {
namespace {

// One (key, offset, message) fact. Sorted by key rank, offset and message.
struct Triple {
  int32_t key_rank;
  int32_t value;  // value id
  int64_t offset;
  int64_t message;
};

bool triple_less(const Triple& a, const Triple& b) {
  return std::tie(a.key_rank, a.offset, a.message) < std::tie(b.key_rank, b.offset, b.message);
}

bool same_triple(const Triple& a, const Triple& b) {
  return a.key_rank == b.key_rank && a.offset == b.offset && a.value == b.value;
}

class Builder {
 public:
  Builder(const History& history, HistoryIndex& index) : history_(history), index_(index) {
    const auto keys = static_cast<size_t>(index.key_count());
    order_.key_order.assign(keys, Range{});
    order_.key_values.assign(keys, Range{});
  }

  VersionOrder run() && {
    collect();
    std::sort(triples_.begin(), triples_.end(), triple_less);
    triples_.erase(std::unique(triples_.begin(), triples_.end(), same_triple), triples_.end());
    for (size_t a = 0; a < triples_.size();) {
      size_t b = a;
      while (b < triples_.size() && triples_[b].key_rank == triples_[a].key_rank) ++b;
      sweep_key(a, b);
      a = b;
    }
    return std::move(order_);
  }

 private:
  // version-orders: all of a committed op's micro-ops, only the polls of any
  // other. In a history that means ok sends (and info sends with an offset
  // whose message was read) and every poll completion.
  void collect() {
    for (int32_t i = 0; i < index_.op_count; ++i) {
      const Op& op = history_[static_cast<size_t>(i)];
      if (!is_client_op(op) || op.type == OpType::kInvoke) continue;
      if (op.f == OpF::kSend && op.offset && committed(i, op)) {
        add(index_.op_value[static_cast<size_t>(i)], *op.offset);
      } else if (op.f == OpF::kPoll) {
        const Range range = index_.op_range[static_cast<size_t>(i)];
        for (int32_t s = range.begin; s < range.end; ++s) {
          const PolledSpan& span = index_.spans[static_cast<size_t>(s)];
          for (int32_t r = span.begin; r < span.end; ++r) {
            add(index_.record_value[static_cast<size_t>(r)],
                index_.record_offset[static_cast<size_t>(r)]);
          }
        }
      }
    }
  }

  // must-have-committed?: ok, or info with a message some ok poll read.
  bool committed(int32_t i, const Op& op) const {
    return op.type == OpType::kOk || (op.type == OpType::kInfo &&
                                      index_.fact(index_.op_value[static_cast<size_t>(i)]).read_ok);
  }

  void add(int32_t value, int64_t offset) {
    if (offset < 0) {
      // version-orders-update-log indexes a vector by offset: Jepsen throws.
      if (order_.problems.empty()) {
        order_.problems.push_back(
            "negative offset " + std::to_string(offset) + " for key " +
            index_.key_names[static_cast<size_t>(index_.values.key_of(value))] +
            " (Jepsen's version-orders throws)");
      }
      return;
    }
    ValueFacts& facts = index_.fact(value);
    // Most records repeat a fact already known: skip them before the sort.
    if (facts.first_offset == offset) return;
    if (facts.first_offset == kNoOffset) facts.first_offset = offset;
    const int32_t key = index_.values.key_of(value);
    triples_.push_back(Triple{index_.key_rank[static_cast<size_t>(key)], value, offset,
                              index_.values.value_of(value)});
  }

  // One key's triples [a, b), sorted by offset then message.
  void sweep_key(size_t a, size_t b) {
    const int32_t key = index_.values.key_of(triples_[a].value);
    Range& order = order_.key_order[static_cast<size_t>(key)];
    Range& values = order_.key_values[static_cast<size_t>(key)];
    order.begin = static_cast<int32_t>(order_.by_index.size());
    values.begin = static_cast<int32_t>(order_.values_in_log.size());
    int32_t dense = 0;
    bool duplicates = false;
    for (size_t g = a, h = a; g < b; g = h, ++dense) {
      while (h < b && triples_[h].offset == triples_[g].offset) ++h;
      order_.by_index.push_back(triples_[g].value);
      if (h - g >= 2) add_inconsistent(key, g, h, dense);
      for (size_t t = g; t < h; ++t) {
        ValueFacts& facts = index_.fact(triples_[t].value);
        if (facts.first_index == kNone) {
          facts.first_index = dense;
          order_.values_in_log.push_back(triples_[t].value);
        }
        facts.last_index = dense;
        if (++facts.offset_count == 2) duplicates = true;
      }
      index_.fact(triples_[g].value).index = dense;  // by-value keeps the last index
    }
    order.end = static_cast<int32_t>(order_.by_index.size());
    values.end = static_cast<int32_t>(order_.values_in_log.size());
    // lost-write walks values by last index (log->last-index->values).
    std::sort(order_.values_in_log.begin() + values.begin, order_.values_in_log.end(),
              [&](int32_t x, int32_t y) {
                return std::make_pair(index_.fact(x).last_index, index_.values.value_of(x)) <
                       std::make_pair(index_.fact(y).last_index, index_.values.value_of(y));
              });
    if (duplicates) add_duplicates(key, a, b);
  }

  void add_inconsistent(int32_t key, size_t g, size_t h, int32_t dense) {
    InconsistentOffset error{key, triples_[g].offset, dense, {}};
    for (size_t t = g; t < h; ++t) error.values.push_back(triples_[t].message);
    order_.inconsistent.push_back(std::move(error));
  }

  // duplicate-cases: a message at two or more offsets of one key.
  void add_duplicates(int32_t key, size_t a, size_t b) {
    std::vector<Triple> held;
    for (size_t t = a; t < b; ++t) {
      if (index_.fact(triples_[t].value).offset_count >= 2) held.push_back(triples_[t]);
    }
    std::sort(held.begin(), held.end(), [](const Triple& x, const Triple& y) {
      return std::tie(x.message, x.offset) < std::tie(y.message, y.offset);
    });
    for (size_t g = 0, h = 0; g < held.size(); g = h) {
      DuplicateValue duplicate{key, held[g].value, {}};
      for (h = g; h < held.size() && held[h].value == held[g].value; ++h) {
        duplicate.offsets.push_back(held[h].offset);
      }
      order_.duplicates.push_back(std::move(duplicate));
    }
  }

  const History& history_;
  HistoryIndex& index_;
  VersionOrder order_;
  std::vector<Triple> triples_;
};

}  // namespace

VersionOrder build_version_order(const History& history, HistoryIndex& index) {
  return Builder(history, index).run();
}

}  // namespace eddy::checker::detail
