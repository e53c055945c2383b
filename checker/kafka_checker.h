// check_kafka: Jepsen's kafka checker (jepsen/src/jepsen/tests/kafka.clj,
// `analysis` and `checker`) as Maelstrom 0.2.x configures it (`sub-via
// #{:assign}`, no `ww-deps`, one micro-op per op), composed with Maelstrom's
// `stats` and `availability` checkers. docs/maelstrom-semantics.md section 5
// is the specification; the comments in kafka_checker.cc name the Clojure
// function each rule comes from.
//
// Contract:
//  - the input is any History (it need not come from a correct run); the
//    nemesis's ops are ignored, as Jepsen's `h/client-ops` does;
//  - the result depends only on the history: the same history gives the same
//    CheckResult, and the same to_json / format_report bytes;
//  - nothing is thrown for odd input; where Jepsen's checker would throw (a
//    read with no writer, ...), the verdict is kUnknown and unknown_reason
//    says why.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/history.h"
#include "checker/verdict.h"

namespace eddy::checker {

// Anomaly type names, exactly as Jepsen's `errors` map spells them.
namespace anomaly {
inline constexpr std::string_view kInconsistentOffsets = "inconsistent-offsets";
inline constexpr std::string_view kDuplicate = "duplicate";
inline constexpr std::string_view kLostWrite = "lost-write";
inline constexpr std::string_view kUnseen = "unseen";
inline constexpr std::string_view kNonmonotonicPoll = "nonmonotonic-poll";
inline constexpr std::string_view kPollSkip = "poll-skip";
inline constexpr std::string_view kNonmonotonicSend = "nonmonotonic-send";
inline constexpr std::string_view kIntPollSkip = "int-poll-skip";
inline constexpr std::string_view kIntNonmonotonicPoll = "int-nonmonotonic-poll";
inline constexpr std::string_view kIntSendSkip = "int-send-skip";
inline constexpr std::string_view kIntNonmonotonicSend = "int-nonmonotonic-send";
inline constexpr std::string_view kG1a = "G1a";
// Elle's cycle over wr and realtime edges: a poll that completed before the
// send of the value it read was invoked.
inline constexpr std::string_view kG1cRealtime = "G1c-realtime";
// Not one of Jepsen's error types: a read whose value no send carried. Jepsen
// throws there (`no-writer-of-value`), which makes the result :unknown.
inline constexpr std::string_view kPhantomRead = "phantom-read";
}  // namespace anomaly

// True for the types Jepsen's `allowed-error-types` lets through (with
// sub-via #{:assign} and no ww-deps): int-send-skip and the G0 family.
bool is_allowed_anomaly(std::string_view type);

struct Anomaly {
  std::string type;
  int64_t count = 0;  // cases found (unseen: messages never polled)
  // Compact JSON objects, at most CheckOptions::examples_max, chosen as
  // Jepsen's `condense-error` does (see kafka_checker.cc), ties in history
  // and key order.
  std::vector<std::string> examples;
};

// Jepsen's `worst-realtime-lag`: how stale a poll was, at worst.
struct RealtimeLag {
  int64_t lag_us = 0;
  int64_t time_us = 0;  // when the poll was invoked
  int64_t process = 0;
  std::string key;
};

struct CheckResult {
  Validity validity = Validity::kValid;
  std::map<std::string, Anomaly> anomalies;    // every type found, by name
  std::vector<std::string> bad_anomaly_types;  // sorted; those not allowed
  std::map<std::string, FStats> by_f;          // every client f in the history
  // Maelstrom's availability checker: ok completions / client invocations
  // (every f, both phases); 1 with no invocations.
  double availability = 1;
  // Maelstrom's stats checker (jepsen's kafka `stats-checker`): every f but
  // crash that completed at least once needs an ok completion.
  std::vector<std::string> stats_problems;
  // Set when the availability requirement of CheckOptions is not met.
  std::string availability_problem;
  // Why the verdict is kUnknown; empty otherwise (causes joined by "; ").
  std::string unknown_reason;
  RealtimeLag worst_realtime_lag;
  int64_t worst_realtime_lag_ms = 0;
  // Distinct :error texts of info sends and polls, first seen first (Jepsen's
  // info-txn-causes).
  std::vector<std::string> info_causes;

  // Counts for the report.
  int64_t history_entries = 0;     // client ops, invocations and completions
  int64_t client_invocations = 0;  // every f, both phases
  int64_t keys = 0;                // distinct keys sent, polled or assigned
  int64_t acknowledged_sends = 0;  // ok sends
  int64_t polled_values = 0;       // distinct (key, value) pairs read by ok polls
};

struct CheckOptions {
  size_t examples_max = 8;          // per anomaly type (Jepsen: 8, or 32 for some)
  size_t unseen_messages_max = 32;  // per key in an unseen example (Jepsen: 32)
  // Maelstrom's --availability: none (nullopt), `total` (1.0) or a lower
  // bound on the ok fraction.
  std::optional<double> availability_min;
};

CheckResult check_kafka(const History& history, const CheckOptions& options = {});

namespace detail {
class HistoryIndexer;
class CommitOrderPass;
class KafkaStatsPass;
}  // namespace detail

// The passes of check_kafka that read the history alone (its index with the
// version order's log, the commit-order pass and the stats), run op by op as
// a history is recorded (sim/live_history.h); check_kafka(history, passes)
// then does the rest.
class KafkaHistoryPasses {
 public:
  explicit KafkaHistoryPasses(const CheckOptions& options = {});
  ~KafkaHistoryPasses();
  KafkaHistoryPasses(KafkaHistoryPasses&&) noexcept;
  KafkaHistoryPasses& operator=(KafkaHistoryPasses&&) = delete;
  // Room for a history of about `ops` entries, so that the index does not
  // grow by doubling (and fault its pages in twice) while a run feeds it.
  void reserve(size_t ops);
  // The next op of the history, in order.
  void add(const Op& op);

 private:
  friend CheckResult check_kafka(const History& history, KafkaHistoryPasses&& passes);
  CheckOptions options_;
  std::unique_ptr<detail::HistoryIndexer> index_;
  std::unique_ptr<detail::CommitOrderPass> commit_order_;
  std::unique_ptr<detail::KafkaStatsPass> stats_;
};

// As check_kafka(history, options), with `passes` fed every op of `history`
// in order: the same result.
CheckResult check_kafka(const History& history, KafkaHistoryPasses&& passes);

// The result as JSON; objects have sorted keys, so the text is stable.
nlohmann::json to_json(const CheckResult& result);

// Human-readable summary: the verdict line first, then each anomaly with its
// count and examples, then per-f ok/fail/info and latency quantiles, then
// availability.
std::string format_report(const CheckResult& result);

}  // namespace eddy::checker
