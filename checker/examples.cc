#include "checker/examples.h"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace eddy::checker::detail {
namespace {

using nlohmann::json;

// A skip example lists the skipped messages like Jepsen, but at most this
// many: its delta already says how many there were.
constexpr int32_t kSkippedMax = 32;

enum class Pick { kFirst, kLeast, kMost };

// Positions of the cases to show: the first `max`, or the `max` with the
// least / most rank (stable, so ties keep the order found).
template <class Case, class Rank>
std::vector<size_t> pick(const std::vector<Case>& cases, size_t max, Pick how, Rank rank) {
  const size_t n = std::min(max, cases.size());
  std::vector<size_t> order(how == Pick::kFirst ? n : cases.size());
  std::iota(order.begin(), order.end(), size_t{0});
  if (how == Pick::kFirst) return order;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return rank(cases[a]) < rank(cases[b]); });
  if (how == Pick::kMost) {
    order.erase(order.begin(), order.end() - static_cast<std::ptrdiff_t>(n));
  } else {
    order.resize(n);
  }
  return order;
}

json message_json(int64_t message) {
  return message == kNonIntegerValue ? json(nullptr) : json(message);
}

class Renderer {
 public:
  Renderer(const History& history, const HistoryIndex& index, const VersionOrder& order)
      : history_(history), index_(index), order_(order) {}

  json key(int32_t key) const { return index_.key_names[static_cast<size_t>(key)]; }

  json message(int32_t value) const {
    return value == kNone ? json(nullptr) : message_json(index_.values.value_of(value));
  }

  // An op as Jepsen shows it, cut down to the key in question: a poll shows
  // only that key's records.
  json op(int32_t i, int32_t key) const {
    if (i == kNone) return nullptr;
    const Op& op = history_[static_cast<size_t>(i)];
    json out = {{"index", i},
                {"time_us", op.time_us},
                {"process", op.process},
                {"type", std::string(to_string(op.type))},
                {"f", std::string(to_string(op.f))}};
    if (op.f == OpF::kSend) {
      out["key"] = op.key;
      out["value"] = message_json(op.value);
      if (op.offset) out["offset"] = *op.offset;
    }
    const std::string& name = index_.key_names[static_cast<size_t>(key)];
    for (const PolledKey& polled : op.polled) {
      if (polled.key != name) continue;
      json records = json::array();
      for (const PolledRecord& record : polled.records) {
        records.push_back(json::array({record.offset, message_json(record.value)}));
      }
      out["msgs"] = json::object({{name, std::move(records)}});
    }
    if (!op.error.empty()) out["error"] = op.error;
    return out;
  }

  // by-index strictly between dense indices a and b.
  json skipped(int32_t key, int32_t a, int32_t b) const {
    json out = json::array();
    for (int32_t i = a + 1; i < b && i <= a + kSkippedMax; ++i)
      out.push_back(message(order_.at(key, i)));
    return out;
  }

  json values(const PairCase& error) const {
    return json::array({message(error.value_a), message(error.value_b)});
  }

  json ops(const PairCase& error) const {
    return json::array({op(error.op_a, error.key), op(error.op_b, error.key)});
  }

 private:
  const History& history_;
  const HistoryIndex& index_;
  const VersionOrder& order_;
};

class AnomalyTable {
 public:
  AnomalyTable(const History& history, const HistoryIndex& index, const VersionOrder& order,
               const CheckOptions& options)
      : index_(index),
        render_(history, index, order),
        max_(options.examples_max),
        messages_max_(options.unseen_messages_max) {}

  std::map<std::string, Anomaly> run(const VersionOrder& order, const Cases& cases) && {
    add_version_order(order);
    add_pairs(cases);
    add_reads(cases);
    add_unseen(cases.unseen);
    return std::move(out_);
  }

 private:
  template <class Case, class Rank, class Render>
  void add(std::string_view type, const std::vector<Case>& cases, Pick how, Rank rank,
           Render render) {
    if (cases.empty()) return;
    Anomaly anomaly{std::string(type), static_cast<int64_t>(cases.size()), {}};
    for (size_t p : pick(cases, max_, how, rank))
      anomaly.examples.push_back(render(cases[p]).dump());
    out_.emplace(anomaly.type, std::move(anomaly));
  }

  void add_version_order(const VersionOrder& order) {
    add(
        anomaly::kInconsistentOffsets, order.inconsistent, Pick::kLeast,
        [](const InconsistentOffset& e) { return e.values.size(); },
        [&](const InconsistentOffset& e) {
          json values = json::array();
          for (int64_t v : e.values) values.push_back(message_json(v));
          return json{{"key", render_.key(e.key)},
                      {"offset", e.offset},
                      {"index", e.index},
                      {"values", values}};
        });
    add(
        anomaly::kDuplicate, order.duplicates, Pick::kLeast,
        [](const DuplicateValue& e) { return e.offsets.size(); },
        [&](const DuplicateValue& e) {
          return json{{"key", render_.key(e.key)},
                      {"value", render_.message(e.value)},
                      {"count", e.offsets.size()},
                      {"offsets", e.offsets}};
        });
  }

  void add_pairs(const Cases& cases) {
    const auto by_delta = [](const PairCase& e) { return e.delta; };
    const auto external = [&](const PairCase& e) {
      return json{{"key", render_.key(e.key)},
                  {"values", render_.values(e)},
                  {"delta", e.delta},
                  {"ops", render_.ops(e)}};
    };
    add(anomaly::kPollSkip, cases.poll_skip, Pick::kMost, by_delta, [&](const PairCase& e) {
      return json{{"key", render_.key(e.key)},
                  {"delta", e.delta},
                  {"skipped", render_.skipped(e.key, e.index_a, e.index_b)},
                  {"ops", render_.ops(e)}};
    });
    add(anomaly::kNonmonotonicPoll, cases.nonmonotonic_poll, Pick::kLeast, by_delta, external);
    add(anomaly::kNonmonotonicSend, cases.nonmonotonic_send, Pick::kLeast, by_delta, external);
    add(anomaly::kIntPollSkip, cases.int_poll_skip, Pick::kMost, by_delta, [&](const PairCase& e) {
      return json{{"key", render_.key(e.key)},
                  {"values", render_.values(e)},
                  {"delta", e.delta},
                  {"skipped", render_.skipped(e.key, e.index_a, e.index_b)},
                  {"op", render_.op(e.op_b, e.key)}};
    });
    add(anomaly::kIntNonmonotonicPoll, cases.int_nonmonotonic_poll, Pick::kLeast, by_delta,
        [&](const PairCase& e) {
          return json{{"key", render_.key(e.key)},
                      {"values", render_.values(e)},
                      {"delta", e.delta},
                      {"op", render_.op(e.op_b, e.key)}};
        });
  }

  void add_reads(const Cases& cases) {
    const auto in_order = [](const auto&) { return 0; };
    add(anomaly::kLostWrite, cases.lost_write, Pick::kFirst, in_order, [&](const LostWriteCase& e) {
      const int32_t key = index_.values.key_of(e.value);
      return json{{"key", render_.key(key)},
                  {"value", render_.message(e.value)},
                  {"index", e.index},
                  {"max-read-index", e.bound},
                  {"writer", render_.op(e.writer, key)},
                  {"max-read", render_.op(e.max_read, key)}};
    });
    const auto with_writer = [&](const ReadCase& e) {
      const int32_t key = index_.values.key_of(e.value);
      return json{{"key", render_.key(key)},
                  {"value", render_.message(e.value)},
                  {"writer", render_.op(e.writer, key)},
                  {"reader", render_.op(e.reader, key)}};
    };
    add(anomaly::kG1a, cases.g1a, Pick::kFirst, in_order, with_writer);
    add(anomaly::kG1cRealtime, cases.g1c_realtime, Pick::kFirst, in_order, with_writer);
    add(anomaly::kPhantomRead, cases.phantom_read, Pick::kFirst, in_order, [&](const ReadCase& e) {
      const int32_t key = index_.values.key_of(e.value);
      return json{{"key", render_.key(key)},
                  {"value", render_.message(e.value)},
                  {"reader", render_.op(e.reader, key)}};
    });
  }

  // Jepsen reports unseen as one map; here each key is a case and the count
  // is the number of messages never polled.
  void add_unseen(const std::vector<UnseenKey>& unseen) {
    if (unseen.empty()) return;
    Anomaly anomaly{std::string(anomaly::kUnseen), 0, {}};
    for (const UnseenKey& key : unseen) {
      anomaly.count += static_cast<int64_t>(key.messages.size());
      if (anomaly.examples.size() >= max_) continue;
      json messages = json::array();
      for (size_t m = 0; m < key.messages.size() && m < messages_max_; ++m) {
        messages.push_back(message_json(key.messages[m]));
      }
      anomaly.examples.push_back(json{
          {"key", render_.key(key.key)},
          {"count", key.messages.size()},
          {"messages", messages}}.dump());
    }
    out_.emplace(anomaly.type, std::move(anomaly));
  }

  const HistoryIndex& index_;
  Renderer render_;
  size_t max_;
  size_t messages_max_;
  std::map<std::string, Anomaly> out_;
};

}  // namespace

std::map<std::string, Anomaly> render_anomalies(const History& history, const HistoryIndex& index,
                                                const VersionOrder& order, const Cases& cases,
                                                const CheckOptions& options) {
  return AnomalyTable(history, index, order, options).run(order, cases);
}

}  // namespace eddy::checker::detail
