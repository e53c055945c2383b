// partition_test's run: warm-up, paced ops, the partition and the heal at
// their op counts, then the report and the check (contract in the header;
// the rules in docs/partition-test.md).
#include "core/partition_test.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "core/error_code.h"
#include "core/invariant.h"
#include "core/sim_cluster.h"
#include "core/sim_kv_clients.h"
#include "core/verify_linearizability.h"

namespace eddy::core {
namespace {

ErrorBody malformed(std::string text) {
  return ErrorBody{static_cast<int32_t>(ErrorCode::kMalformedRequest), std::move(text)};
}

std::string out_of_range(std::string_view field, int64_t lo, int64_t hi, std::string_view hi_name,
                         int64_t value) {
  return "field '" + std::string(field) + "' must be in [" + std::to_string(lo) + ", " +
         std::to_string(hi) + "] (" + std::string(hi_name) + "), got " + std::to_string(value);
}

// The nodes cut off with the leader: as many as can be while the others keep
// a majority (n - (n/2 + 1)), but at least the leader itself. For n = 1 that
// is the whole cluster (nothing is cut); for n = 2, the leader alone, and the
// other node is no majority either.
int64_t leader_side_size(int64_t n) { return std::max<int64_t>(1, n - (n / 2 + 1)); }

class Run {
 public:
  Run(const PartitionTestBody& request, int64_t seed, const kv::RaftKvOptions& options)
      : request_(request),
        seed_(seed),
        pacing_(Rng(static_cast<uint64_t>(seed)).stream("pacing")),
        partition_rng_(Rng(static_cast<uint64_t>(seed)).stream("partition")),
        cluster_(
            static_cast<int>(request.cluster_size), Rng(static_cast<uint64_t>(seed)),
            [this](Message message) { clients_.on_message(std::move(message)); }, options),
        clients_(cluster_, static_cast<int>(2 * request.cluster_size),
                 Rng(static_cast<uint64_t>(seed)).stream("clients"), [this] { on_client_free(); }) {
  }

  // Runs until every op was invoked (or virtual_ms_max stopped the
  // invocations) and every invoked op completed.
  void run(int64_t virtual_ms_max) {
    virtual_ms_max_ = virtual_ms_max;
    while (cluster_.leader().empty() && cluster_.now_ms() < kPartitionTestWarmUpMsMax &&
           cluster_.step()) {
    }
    after_invocations();  // partition_after_op or heal_after_op may be 0
    schedule_next_op();
    while (!finished() && cluster_.step()) {
    }
  }

  PartitionTestReport report() const;
  std::vector<KvHistoryRecord> take_history() { return clients_.take_history(); }

 private:
  bool finished() const {
    return (issued_ == request_.operations || stopped_) && !clients_.any_busy();
  }

  void schedule_next_op() {
    const int64_t wait_ms = pacing_.between(0, 2 * kPartitionTestOpIntervalMsMean);
    cluster_.at(cluster_.now_ms() + wait_ms, [this] { on_op_due(); });
  }

  void on_op_due() {
    if (issued_ == request_.operations || stopped_) return;
    if (cluster_.now_ms() >= virtual_ms_max_) {
      stopped_ = true;  // the rest are not invoked; those in flight complete
      return;
    }
    if (!clients_.any_free()) {
      op_waiting_ = true;  // as Jepsen's generator: the op waits for a free thread
      return;
    }
    clients_.invoke(cluster_.partitioned());
    ++issued_;
    after_invocations();
    schedule_next_op();
  }

  void on_client_free() {
    if (!op_waiting_) return;
    op_waiting_ = false;
    on_op_due();
  }

  // The partition starts right after op partition_after_op is invoked and
  // heals right after op heal_after_op is (0: before the first op).
  void after_invocations() {
    if (issued_ == request_.partition_after_op && partition_started_ms_ < 0) start_partition();
    if (issued_ == request_.heal_after_op && partition_started_ms_ >= 0 && healed_ms_ < 0) {
      cluster_.heal();
      healed_ms_ = cluster_.now_ms();
    }
  }

  void start_partition();

  const PartitionTestBody& request_;
  int64_t seed_;
  Rng pacing_;
  Rng partition_rng_;
  SimCluster cluster_;
  SimKvClients clients_;
  int64_t virtual_ms_max_ = 0;
  int64_t issued_ = 0;
  bool op_waiting_ = false;  // an op came due while every client was busy
  bool stopped_ = false;     // virtual_ms_max reached: no further op is invoked
  int64_t partition_started_ms_ = -1;
  int64_t healed_ms_ = -1;
  std::string leader_before_;
  std::vector<std::string> leader_side_;
  std::vector<std::string> other_side_;
};

void Run::start_partition() {
  // The current leader; before any partition the network is perfect, so
  // there is one unless the warm-up elected none (then the newest leader
  // seen, or n1).
  leader_before_ = cluster_.leader();
  if (leader_before_.empty()) {
    leader_before_ =
        cluster_.elections().empty() ? cluster_.names()[0] : cluster_.elections().back().leader;
  }
  std::vector<std::string> others;
  for (const std::string& name : cluster_.names()) {
    if (name != leader_before_) others.push_back(name);
  }
  // Its companions, drawn at random (a partial Fisher-Yates shuffle).
  const auto companions = static_cast<size_t>(leader_side_size(request_.cluster_size) - 1);
  for (size_t i = 0; i < companions; ++i) {
    std::swap(others[i], others[i + partition_rng_.below(others.size() - i)]);
  }
  leader_side_.assign(others.begin(), others.begin() + static_cast<std::ptrdiff_t>(companions));
  leader_side_.push_back(leader_before_);
  other_side_.assign(others.begin() + static_cast<std::ptrdiff_t>(companions), others.end());
  std::sort(leader_side_.begin(), leader_side_.end());
  std::sort(other_side_.begin(), other_side_.end());
  cluster_.partition(leader_side_);
  partition_started_ms_ = cluster_.now_ms();
}

PartitionTestReport Run::report() const {
  const SimKvTally& tally = clients_.tally();
  PartitionTestReport report;
  report.total_ops = tally.invoked;
  report.ops_during_partition = tally.invoked_during_partition;
  report.ops_succeeded = tally.ok;
  report.ops_rejected = tally.fail;
  report.ops_indeterminate = tally.info;
  report.ops_not_issued = request_.operations - issued_;
  report.ops_succeeded_during_partition = tally.ok_during_partition;
  report.rejected_by_code.assign(tally.fail_by_code.begin(), tally.fail_by_code.end());
  report.leader_before = leader_before_;
  report.leader_side = leader_side_;
  report.other_side = other_side_;
  for (const SimCluster::Election& election : cluster_.elections()) {
    const bool during = partition_started_ms_ >= 0 && election.at_ms >= partition_started_ms_ &&
                        (healed_ms_ < 0 || election.at_ms < healed_ms_);
    if (during &&
        std::find(other_side_.begin(), other_side_.end(), election.leader) != other_side_.end()) {
      report.majority_leader = election.leader;
      break;
    }
  }
  report.leader_after = cluster_.leader();
  report.elections = static_cast<int64_t>(cluster_.elections().size());
  report.virtual_ms = cluster_.now_ms();
  report.seed = seed_;
  return report;
}

}  // namespace

std::optional<std::string> validate_partition_test(const PartitionTestBody& request,
                                                   const Limits& limits) {
  if (request.cluster_size < 1 || request.cluster_size > limits.partition_test_cluster_size_max) {
    return out_of_range("cluster_size", 1, limits.partition_test_cluster_size_max,
                        "partition_test_cluster_size_max", request.cluster_size);
  }
  if (request.operations < 1 || request.operations > limits.partition_test_operations_max) {
    return out_of_range("operations", 1, limits.partition_test_operations_max,
                        "partition_test_operations_max", request.operations);
  }
  if (request.partition_after_op < 0 || request.partition_after_op > request.operations) {
    return out_of_range("partition_after_op", 0, request.operations, "operations",
                        request.partition_after_op);
  }
  if (request.heal_after_op < 0 || request.heal_after_op > request.operations) {
    return out_of_range("heal_after_op", 0, request.operations, "operations",
                        request.heal_after_op);
  }
  if (request.heal_after_op < request.partition_after_op) {
    return "heal_after_op (" + std::to_string(request.heal_after_op) +
           ") comes before partition_after_op (" + std::to_string(request.partition_after_op) +
           "): the partition must start before it heals";
  }
  if (request.seed && *request.seed < 0) {
    return "field 'seed' must be a non-negative integer, got " + std::to_string(*request.seed);
  }
  return std::nullopt;
}

Body run_partition_test(const PartitionTestBody& request, const Limits& limits, int64_t seed,
                        const kv::RaftKvOptions& options) {
  // Held on the heap: the run's callbacks point into it.
  auto run = std::make_unique<Run>(request, seed, options);
  run->run(limits.partition_test_virtual_ms_max);
  auto report = std::make_shared<PartitionTestReport>(run->report());
  std::vector<KvHistoryRecord> history = run->take_history();
  run.reset();
  if (request.include_history) report->history = history;
  Body verdict =
      answer_verify_linearizability(VerifyLinearizabilityBody{std::move(history)}, limits);
  if (auto* error = std::get_if<ErrorBody>(&verdict)) {
    EDDY_INVARIANT(error->code != static_cast<int32_t>(ErrorCode::kMalformedRequest),
                   "partition_test recorded a malformed history: " + error->text);
    error->text += " (partition_test seed " + std::to_string(seed) +
                   ": a bigger --verify-search-states-max may decide it)";
    return verdict;
  }
  report->check = std::get<VerifyLinearizabilityOkBody>(std::move(verdict));
  return PartitionTestOkBody{std::move(report)};
}

Body answer_partition_test(const PartitionTestBody& request, const Limits& limits, Rng& rng) {
  if (auto why = validate_partition_test(request, limits)) return malformed(std::move(*why));
  const int64_t seed = request.seed ? *request.seed : static_cast<int64_t>(rng.next_u64() >> 11);
  return run_partition_test(request, limits, seed);
}

}  // namespace eddy::core
