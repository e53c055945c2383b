#include "checker/kafka_checker.h"

#include <algorithm>
#include <array>
#include <future>
#include <system_error>
#include <type_traits>
#include <unordered_set>
#include <utility>

#include "checker/anomaly_cases.h"
#include "checker/commit_order.h"
#include "checker/examples.h"
#include "checker/history_index.h"
#include "checker/process_walk.h"
#include "checker/stats.h"
#include "checker/version_order.h"
#include "core/invariant.h"

namespace eddy::checker {
namespace {

using detail::Cases;
using detail::HistoryIndex;
using detail::kNone;
using detail::Range;
using detail::ValueFacts;
using detail::VersionOrder;

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

std::vector<int32_t> keys_in_order(const HistoryIndex& index) {
  std::vector<int32_t> keys(static_cast<size_t>(index.key_count()));
  for (int32_t key = 0; key < index.key_count(); ++key) {
    keys[static_cast<size_t>(index.key_rank[static_cast<size_t>(key)])] = key;
  }
  return keys;
}

// must-have-committed? for the writer of a message.
bool committed(const History& history, const HistoryIndex& index, int32_t op) {
  const OpType type = history[static_cast<size_t>(op)].type;
  return type == OpType::kOk ||
         (type == OpType::kInfo && index.fact(index.op_value[static_cast<size_t>(op)]).read_ok);
}

// lost-write-cases, for one key that ok polls returned. `bound` is the
// highest first index of a message ok polls read; every message whose last
// index is <= bound must have been read, unless its writer may not have
// committed. Where Jepsen throws, the reason goes to `unknown`.
class LostWrites {
 public:
  LostWrites(const History& history, const HistoryIndex& index, const VersionOrder& order,
             Cases& cases)
      : history_(history), index_(index), order_(order), cases_(cases) {}

  void run() {
    for (int32_t key : keys_in_order(index_)) {
      if (index_.key_read_ok[static_cast<size_t>(key)] != 0) check_key(key);
    }
    if (keys_never_read_ > 0) {
      cases_.unknown_reasons.push_back(
          std::to_string(keys_never_read_) + " key(s) returned by ok polls only as [] (first: " +
          first_never_read_ + "): Jepsen's lost-write-cases throws on them (nth of index -1)");
    }
    if (lost_without_writer_ > 0) {
      cases_.unknown_reasons.push_back(
          std::to_string(lost_without_writer_) + " unread message(s) with no writer (first: " +
          first_without_writer_ + "): Jepsen's lost-write-cases throws no-writer-of");
    }
  }

 private:
  void check_key(int32_t key) {
    const Range values = order_.key_values[static_cast<size_t>(key)];
    int32_t bound = kNone;
    for (int32_t v = values.begin; v < values.end; ++v) {
      const ValueFacts& facts = index_.fact(value_at(v));
      if (facts.read_ok) bound = std::max(bound, facts.first_index);
    }
    if (bound == kNone) {
      if (keys_never_read_++ == 0) first_never_read_ = quoted(key_name(key));
      return;
    }
    const size_t first_case = cases_.lost_write.size();
    int32_t max_read_value = kNone;
    for (int32_t v = values.begin; v < values.end; ++v) {
      const int32_t value = value_at(v);
      const ValueFacts& facts = index_.fact(value);
      if (facts.last_index > bound) break;  // values are sorted by last index
      if (facts.last_index == bound && max_read_value == kNone) max_read_value = value;
      if (facts.read_ok) continue;
      if (facts.writer == kNone) {
        if (lost_without_writer_++ == 0) {
          first_without_writer_ = "key " + quoted(key_name(key)) + " message " +
                                  std::to_string(index_.values.value_of(value));
        }
        continue;
      }
      if (!committed(history_, index_, facts.writer)) continue;
      cases_.lost_write.push_back({value, facts.first_index, bound, facts.writer, kNone});
    }
    const int32_t max_read =
        max_read_value == kNone ? kNone : index_.fact(max_read_value).first_reader;
    for (size_t c = first_case; c < cases_.lost_write.size(); ++c) {
      cases_.lost_write[c].max_read = max_read;
    }
  }

  int32_t value_at(int32_t position) const {
    return order_.values_in_log[static_cast<size_t>(position)];
  }
  const std::string& key_name(int32_t key) const {
    return index_.key_names[static_cast<size_t>(key)];
  }

  const History& history_;
  const HistoryIndex& index_;
  const VersionOrder& order_;
  Cases& cases_;
  int64_t keys_never_read_ = 0;
  std::string first_never_read_;
  int64_t lost_without_writer_ = 0;
  std::string first_without_writer_;
};

// unseen: Jepsen walks the ok sends and polls keeping, per key, the messages
// sent but not yet polled; its last snapshot is the error. As polled sets only
// grow, that snapshot is "sent by an ok send, never read by an ok poll", with
// one quirk kept for fidelity: `merge-with set/difference` copies a key that
// is only in `polled` as is, so when the last ok op is the first to touch a
// key and polls it, the messages it read count as unseen.
void find_unseen(const History& history, const HistoryIndex& index, Cases& cases) {
  std::vector<std::pair<int32_t, int64_t>> unseen;  // (key rank, message)
  for (int32_t value = 0; value < index.values.size(); ++value) {
    const ValueFacts& facts = index.fact(value);
    if (facts.sent_ok && !facts.read_ok) {
      unseen.emplace_back(index.key_rank[static_cast<size_t>(index.values.key_of(value))],
                          index.values.value_of(value));
    }
  }
  const int32_t last = index.last_ok_data_op;
  if (last != kNone && history[static_cast<size_t>(last)].f == OpF::kPoll) {
    const Range range = index.op_range[static_cast<size_t>(last)];
    for (int32_t s = range.begin; s < range.end; ++s) {
      const detail::PolledSpan& span = index.spans[static_cast<size_t>(s)];
      if (index.key_first_touch[static_cast<size_t>(span.key)] != last) continue;
      for (int32_t r = span.begin; r < span.end; ++r) {
        const int32_t value = index.record_value[static_cast<size_t>(r)];
        unseen.emplace_back(index.key_rank[static_cast<size_t>(span.key)],
                            index.values.value_of(value));
      }
    }
  }
  std::sort(unseen.begin(), unseen.end());
  unseen.erase(std::unique(unseen.begin(), unseen.end()), unseen.end());
  const std::vector<int32_t> keys = keys_in_order(index);
  for (size_t g = 0, h = 0; g < unseen.size(); g = h) {
    detail::UnseenKey key{keys[static_cast<size_t>(unseen[g].first)], {}};
    for (h = g; h < unseen.size() && unseen[h].first == unseen[g].first; ++h) {
      key.messages.push_back(unseen[h].second);
    }
    cases.unseen.push_back(std::move(key));
  }
}

std::string phantom_reason(const History& history, const HistoryIndex& index, const Cases& cases) {
  const detail::ReadCase& first = cases.phantom_read.front();
  const int64_t message = index.values.value_of(first.value);
  return std::to_string(cases.phantom_read.size()) +
         " read(s) of messages no send carried (first: key " +
         quoted(index.key_names[static_cast<size_t>(index.values.key_of(first.value))]) +
         " message " + (message == kNonIntegerValue ? "null" : std::to_string(message)) +
         " by op " + std::to_string(history[static_cast<size_t>(first.reader)].index) +
         "): Jepsen's checker throws no-writer-of-value";
}

// info-txn-causes: the distinct errors of info sends and polls.
std::vector<std::string> info_causes(const History& history) {
  std::vector<std::string> causes;
  std::unordered_set<std::string> seen;
  for (const Op& op : history) {
    if (!detail::is_client_op(op) || op.type != OpType::kInfo) continue;
    if ((op.f != OpF::kSend && op.f != OpF::kPoll) || op.error.empty()) continue;
    if (seen.insert(op.error.str()).second) causes.push_back(op.error.str());
  }
  return causes;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out.append(separator);
    out.append(part);
  }
  return out;
}

void add_stats(detail::StatsSummary stats, const HistoryIndex& index, const CheckOptions& options,
               CheckResult& result) {
  result.by_f = std::move(stats.by_f);
  result.stats_problems = std::move(stats.problems);
  result.availability = stats.availability;
  result.history_entries = stats.entries;
  result.client_invocations = stats.invocations;
  result.availability_problem =
      detail::availability_shortfall(result.availability, options.availability_min);
  const auto send = result.by_f.find("send");
  result.acknowledged_sends = send == result.by_f.end() ? 0 : send->second.ok;
  result.keys = index.key_count();
  for (int32_t value = 0; value < index.values.size(); ++value) {
    if (index.fact(value).read_ok) ++result.polled_values;
  }
}

Validity verdict(const CheckResult& result) {
  if (!result.bad_anomaly_types.empty() || !result.stats_problems.empty() ||
      !result.availability_problem.empty()) {
    return Validity::kInvalid;
  }
  return result.unknown_reason.empty() ? Validity::kValid : Validity::kUnknown;
}

}  // namespace

bool is_allowed_anomaly(std::string_view type) {
  // allowed-error-types; poll-skip and nonmonotonic-poll would join them only
  // with sub-via :subscribe, G1c only with ww-deps: Maelstrom sets neither.
  static constexpr std::array<std::string_view, 6> kAllowed{
      "int-send-skip",           "G0", "G0-process", "G0-realtime", "PL-1-cycle-exists",
      "strong-PL-1-cycle-exists"};
  return std::find(kAllowed.begin(), kAllowed.end(), type) != kAllowed.end();
}

namespace {

// Runs `task` on a thread of its own; where no thread can be started, in
// line when its result is asked for. Either way get() gives the same result.
template <typename Task>
std::future<std::invoke_result_t<Task&>> run_beside(Task task) {
  try {
    return std::async(std::launch::async, task);
  } catch (const std::system_error&) {
    return std::async(std::launch::deferred, task);
  }
}

// check_kafka's passes, with the history's index and stats given and the
// commit-order pass's anomaly given by `commit_order` once the rest is done.
template <typename CommitOrder>
CheckResult check_kafka_with(const History& history, const CheckOptions& options,
                             HistoryIndex index, detail::StatsSummary stats,
                             CommitOrder commit_order) {
  const VersionOrder order = detail::build_version_order(history, index);
  // The walk of the processes, the longest pass, runs beside the others on a
  // thread of its own. From here on every pass only reads the history, the
  // index and the order, and each fills cases of its own kinds (the process
  // walk: poll and send pair cases, realtime lag; the reads: G1a,
  // G1c-realtime, phantom reads, a poll's internal pair cases; the rest: lost
  // writes, unseen messages and their unknown reasons), so the merge below
  // gives what running them one after the other gave.
  Cases cases;
  std::future<void> walked = run_beside([&] { detail::walk_processes(history, index, cases); });
  Cases others;
  detail::walk_reads(history, index, others);
  LostWrites(history, index, order, others).run();
  find_unseen(history, index, others);
  CheckResult result;
  add_stats(std::move(stats), index, options, result);
  result.info_causes = info_causes(history);
  walked.get();
  cases.int_poll_skip = std::move(others.int_poll_skip);
  cases.int_nonmonotonic_poll = std::move(others.int_nonmonotonic_poll);
  cases.g1a = std::move(others.g1a);
  cases.g1c_realtime = std::move(others.g1c_realtime);
  cases.phantom_read = std::move(others.phantom_read);
  cases.lost_write = std::move(others.lost_write);
  cases.unseen = std::move(others.unseen);
  cases.unknown_reasons = std::move(others.unknown_reasons);

  result.anomalies = detail::render_anomalies(history, index, order, cases, options);
  if (Anomaly commits = commit_order(); commits.count > 0) {
    result.anomalies.emplace(commits.type, std::move(commits));
  }
  for (const auto& [type, anomaly] : result.anomalies) {
    // phantom-read is ours, not a Jepsen error type: it makes the verdict
    // unknown (Jepsen throws), not invalid.
    if (!is_allowed_anomaly(type) && type != anomaly::kPhantomRead) {
      result.bad_anomaly_types.push_back(type);
    }
  }
  std::vector<std::string> unknown = order.problems;
  unknown.insert(unknown.end(), cases.unknown_reasons.begin(), cases.unknown_reasons.end());
  if (!cases.phantom_read.empty()) unknown.push_back(phantom_reason(history, index, cases));
  result.unknown_reason = join(unknown, "; ");
  result.worst_realtime_lag = cases.worst_lag;
  result.worst_realtime_lag_ms = cases.worst_lag.lag_us / 1000;
  result.validity = verdict(result);
  return result;
}

}  // namespace

CheckResult check_kafka(const History& history, const CheckOptions& options) {
  // The commit-order pass reads the history alone, none of what the others
  // build, so it runs on a second thread meanwhile: a pure function of its
  // inputs, joined below, so the result is the same as run in line. Where no
  // thread can be started it runs in line, when asked for.
  std::future<Anomaly> commits_future =
      run_beside([&] { return detail::find_nonmonotonic_commits(history, options); });
  return check_kafka_with(history, options, detail::index_history(history),
                          detail::compute_stats(history), [&] { return commits_future.get(); });
}

KafkaHistoryPasses::KafkaHistoryPasses(const CheckOptions& options)
    : options_(options),
      index_(std::make_unique<detail::HistoryIndexer>()),
      commit_order_(std::make_unique<detail::CommitOrderPass>(options)),
      stats_(std::make_unique<detail::KafkaStatsPass>()) {}
KafkaHistoryPasses::~KafkaHistoryPasses() = default;
KafkaHistoryPasses::KafkaHistoryPasses(KafkaHistoryPasses&&) noexcept = default;

void KafkaHistoryPasses::reserve(size_t ops) { index_->reserve(ops); }

void KafkaHistoryPasses::add(const Op& op) {
  index_->add(op);
  commit_order_->add(op);
  stats_->add(op);
}

CheckResult check_kafka(const History& history, KafkaHistoryPasses&& passes) {
  HistoryIndex index = std::move(*passes.index_).finish();
  EDDY_INVARIANT(static_cast<size_t>(index.op_count) == history.size(),
                 "the checker's passes were fed " + std::to_string(index.op_count) +
                     " ops of a history of " + std::to_string(history.size()));
  return check_kafka_with(history, passes.options_, std::move(index),
                          std::move(*passes.stats_).finish(),
                          [&] { return std::move(*passes.commit_order_).finish(); });
}

}  // namespace eddy::checker
