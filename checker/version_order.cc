#include "checker/version_order.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

namespace eddy::checker::detail {
namespace {

bool offset_message_less(const LoggedVersion& a, const LoggedVersion& b) {
  return std::tie(a.offset, a.message) < std::tie(b.offset, b.message);
}

bool same_version(const LoggedVersion& a, const LoggedVersion& b) {
  return a.offset == b.offset && a.value == b.value;
}

// The facts were logged while the history was indexed (log_version): what is
// left is the info sends only the whole history can place, then each key's
// log sorted by offset and message and swept, keys in report order.
class Builder {
 public:
  Builder(const History& history, HistoryIndex& index) : history_(history), index_(index) {
    const auto keys = static_cast<size_t>(index.key_count());
    order_.key_order.assign(keys, Range{});
    order_.key_values.assign(keys, Range{});
  }

  VersionOrder run() && {
    log_committed_info_sends();
    note_negative_offset();
    std::vector<int32_t> keys_by_rank(static_cast<size_t>(index_.key_count()));
    for (int32_t key = 0; key < index_.key_count(); ++key) {
      keys_by_rank[static_cast<size_t>(index_.key_rank[static_cast<size_t>(key)])] = key;
    }
    for (const int32_t key : keys_by_rank) {
      std::vector<LoggedVersion>& log = index_.key_log[static_cast<size_t>(key)];
      if (log.empty()) continue;
      // A key's log mostly arrives in offset order already.
      if (!std::is_sorted(log.begin(), log.end(), offset_message_less)) {
        std::sort(log.begin(), log.end(), offset_message_less);
      }
      log.erase(std::unique(log.begin(), log.end(), same_version), log.end());
      sweep_key(key, log);
    }
    return std::move(order_);
  }

 private:
  // version-orders takes all of a committed op's micro-ops: an info send is
  // committed (must-have-committed?) when an ok poll read its message.
  void log_committed_info_sends() {
    for (const int32_t i : index_.info_sends_with_offset) {
      const Op& op = history_[static_cast<size_t>(i)];
      const int32_t value = index_.op_value[static_cast<size_t>(i)];
      if (!index_.fact(value).read_ok) continue;
      log_version(index_, index_.values.key_of(value), value, op.value, *op.offset, i);
    }
  }

  void note_negative_offset() {
    const NegativeOffset& negative = index_.first_negative_offset;
    if (negative.op == kNone) return;
    order_.problems.push_back("negative offset " + std::to_string(negative.offset) + " for key " +
                              index_.key_names[static_cast<size_t>(negative.key)] +
                              " (Jepsen's version-orders throws)");
  }

  // One key's log, sorted by offset then message, without repeats.
  void sweep_key(int32_t key, const std::vector<LoggedVersion>& log) {
    Range& order = order_.key_order[static_cast<size_t>(key)];
    Range& values = order_.key_values[static_cast<size_t>(key)];
    order.begin = static_cast<int32_t>(order_.by_index.size());
    values.begin = static_cast<int32_t>(order_.values_in_log.size());
    int32_t dense = 0;
    bool duplicates = false;
    const size_t b = log.size();
    for (size_t g = 0, h = 0; g < b; g = h, ++dense) {
      while (h < b && log[h].offset == log[g].offset) ++h;
      order_.by_index.push_back(log[g].value);
      if (h - g >= 2) add_inconsistent(key, log, g, h, dense);
      for (size_t t = g; t < h; ++t) {
        ValueFacts& facts = index_.fact(log[t].value);
        if (facts.first_index == kNone) {
          facts.first_index = dense;
          order_.values_in_log.push_back(log[t].value);
        }
        facts.last_index = dense;
        if (++facts.offset_count == 2) duplicates = true;
      }
      index_.fact(log[g].value).index = dense;  // by-value keeps the last index
    }
    order.end = static_cast<int32_t>(order_.by_index.size());
    values.end = static_cast<int32_t>(order_.values_in_log.size());
    // lost-write walks values by last index (log->last-index->values).
    std::sort(order_.values_in_log.begin() + values.begin, order_.values_in_log.end(),
              [&](int32_t x, int32_t y) {
                return std::make_pair(index_.fact(x).last_index, index_.values.value_of(x)) <
                       std::make_pair(index_.fact(y).last_index, index_.values.value_of(y));
              });
    if (duplicates) add_duplicates(key, log);
  }

  void add_inconsistent(int32_t key, const std::vector<LoggedVersion>& log, size_t g, size_t h,
                        int32_t dense) {
    InconsistentOffset error{key, log[g].offset, dense, {}};
    for (size_t t = g; t < h; ++t) error.values.push_back(log[t].message);
    order_.inconsistent.push_back(std::move(error));
  }

  // duplicate-cases: a message at two or more offsets of one key.
  void add_duplicates(int32_t key, const std::vector<LoggedVersion>& log) {
    std::vector<LoggedVersion> held;
    for (const LoggedVersion& version : log) {
      if (index_.fact(version.value).offset_count >= 2) held.push_back(version);
    }
    std::sort(held.begin(), held.end(), [](const LoggedVersion& x, const LoggedVersion& y) {
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
};

}  // namespace

VersionOrder build_version_order(const History& history, HistoryIndex& index) {
  return Builder(history, index).run();
}

}  // namespace eddy::checker::detail
