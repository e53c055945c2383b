// The `leader` strategy (core/kafka/leader.h) in the simulator, checked by
// the kafka checker: seed 004's command, Maelstrom's partition nemesis at 5
// nodes, and Eddy's extra faults (loss, duplication, latency spikes, one-way
// partitions, pauses, uniform and exponential latency). Each run prints one
// measurement line: availability (ok / invocations) of send and poll over the
// whole run and over the ops invoked while a fault was active, and server
// messages per op. docs/strategy-leader.md quotes these lines.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "core/kafka/leader.h"
#include "tests/sim/sim_test_support.h"

namespace eddy::sim {
namespace {

using checker::OpF;
using checker::OpType;

// Seed 004's command: --node-count N --concurrency 2n --time-limit 20 --rate 1000.
// With `leader_index` set, only that node is an election candidate, so it
// leads; otherwise every node runs and n0 (whose cas reaches lin-kv first)
// usually wins.
SimOptions leader_options(uint64_t seed, int node_count, int leader_index = -1) {
  SimOptions options = testing::seed001_options(seed);
  options.strategy = "leader";
  options.application_factory = [leader_index](int node_index) {
    core::kafka::LeaderKafka::Options app_options;
    app_options.candidate = leader_index < 0 || node_index == leader_index;
    return std::make_unique<core::kafka::LeaderKafka>(app_options);
  };
  options.node_count = node_count;
  options.concurrency = 2 * node_count;
  return options;
}

struct Tally {
  int64_t invoked = 0, ok = 0;
  double fraction() const {
    return invoked == 0 ? 1.0 : static_cast<double>(ok) / static_cast<double>(invoked);
  }
};

// Availability of send and poll among ops invoked while the nemesis had a
// fault active (from a start-* to the next stop), from the history alone;
// also per node (sends and polls together), since the fault-wide figure
// hides that a node cut off from the leader serves nothing: its client
// threads sit in 1 s timeouts while the others take the load.
struct FaultAvailability {
  Tally send, poll;
  std::map<std::string, Tally> by_node;
};

FaultAvailability availability_during_faults(const checker::History& history) {
  FaultAvailability out;
  bool fault_active = false;
  struct Pending {
    Tally* by_f;
    Tally* by_node;
  };
  std::map<int64_t, Pending> open;  // process -> the tallies its pending op counts in
  for (const checker::Op& op : history) {
    if (op.f == OpF::kNemesis) {
      fault_active = op.nemesis.view().starts_with("start");
      continue;
    }
    if (op.f != OpF::kSend && op.f != OpF::kPoll) continue;
    if (op.type == OpType::kInvoke) {
      if (!fault_active) continue;
      Pending pending{op.f == OpF::kSend ? &out.send : &out.poll, &out.by_node[op.node.str()]};
      ++pending.by_f->invoked;
      ++pending.by_node->invoked;
      open[op.process] = pending;
      continue;
    }
    const auto it = open.find(op.process);
    if (it == open.end()) continue;
    if (op.type == OpType::kOk) {
      ++it->second.by_f->ok;
      ++it->second.by_node->ok;
    }
    open.erase(it);
  }
  return out;
}

// "n3 0.041" for the node with the lowest availability during faults.
std::string worst_node(const FaultAvailability& faults) {
  std::string worst = "-";
  double lowest = 2;
  for (const auto& [node, tally] : faults.by_node) {
    if (tally.fraction() >= lowest) continue;
    lowest = tally.fraction();
    char text[64];
    std::snprintf(text, sizeof text, "%s %.3f (%lld)", node.c_str(), lowest,
                  static_cast<long long>(tally.invoked));
    worst = text;
  }
  return worst;
}

double f_availability(const checker::CheckResult& check, const char* f) {
  const auto it = check.by_f.find(f);
  if (it == check.by_f.end() || it->second.invoke == 0) return 1.0;
  return static_cast<double>(it->second.ok) / static_cast<double>(it->second.invoke);
}

struct Measured {
  double send = 0, poll = 0;  // whole run
  FaultAvailability during_faults;
  // Maelstrom's server msgs-per-op (node<->node and node<->service messages
  // over client invocations), and server messages per client request (a poll
  // op is a poll and a commit request; an assign is a list request).
  double server_msgs_per_op = 0;
  double server_msgs_per_request = 0;
};

// Runs, asserts a valid verdict, and prints the measurement line.
Measured run_valid(const SimOptions& options, const std::string& label,
                   testing::Verdict* kept = nullptr) {
  testing::Verdict local;
  testing::Verdict& verdict = kept != nullptr ? *kept : local;
  verdict = testing::run_and_check(options);
  EXPECT_TRUE(verdict.result.abort_reason.empty()) << verdict.result.abort_reason;
  EXPECT_EQ(verdict.check.validity, checker::Validity::kValid)
      << checker::format_report(verdict.check) << "\nreplay: " << verdict.replay;
  const NetStats& net = verdict.result.net;
  Measured m;
  m.send = f_availability(verdict.check, "send");
  m.poll = f_availability(verdict.check, "poll");
  m.during_faults = availability_during_faults(verdict.result.history);
  m.server_msgs_per_op = messages_per_op(net.servers.sent, verdict.check.client_invocations);
  // Every client request gets exactly one reply, so requests = client sends / 2.
  m.server_msgs_per_request = messages_per_op(net.servers.sent, net.clients.sent / 2);
  std::printf(
      "[leader] %-36s ops %5lld  send %.3f  poll %.3f | in faults: send %.3f (%lld) poll %.3f "
      "(%lld), worst node %s | server msgs/op %.3f, /request %.3f\n",
      label.c_str(), static_cast<long long>(verdict.check.client_invocations), m.send, m.poll,
      m.during_faults.send.fraction(), static_cast<long long>(m.during_faults.send.invoked),
      m.during_faults.poll.fraction(), static_cast<long long>(m.during_faults.poll.invoked),
      worst_node(m.during_faults).c_str(), m.server_msgs_per_op, m.server_msgs_per_request);
  return m;
}

// A forwarded request costs 2 server messages (forward and reply), a served
// one none, and the election a handful once: never more than 2 a request.
void expect_at_most_two_per_request(const Measured& m) {
  EXPECT_LE(m.server_msgs_per_request, 2.0 + 0.01);
}

// Seed 004's own command: 2 nodes, no faults, every op succeeds.
TEST(LeaderSim, Seed004TwoNodesIsValidAndFullyAvailable) {
  const Measured m = run_valid(leader_options(1, 2), "n=2");
  EXPECT_GE(m.send, 0.99);
  EXPECT_GE(m.poll, 0.99);
  expect_at_most_two_per_request(m);
}

// The leader on n1: ops rotate over the client threads (as Jepsen's
// generator does), so half the requests arrive at n0 and are forwarded at 2
// messages each: 2 (N - 1) / N = 1 message a request on average.
TEST(LeaderSim, TwoNodesLedByTheSecondForwardHalfTheRequests) {
  const Measured m = run_valid(leader_options(1, 2, 1), "n=2 leader n1");
  EXPECT_GE(m.send, 0.99);
  EXPECT_GE(m.poll, 0.99);
  EXPECT_GT(m.server_msgs_per_request, 0.9);
  EXPECT_LT(m.server_msgs_per_request, 1.1);
  expect_at_most_two_per_request(m);
}

TEST(LeaderSim, FiveNodesWithLatencyIsValidAndFullyAvailable) {
  SimOptions options = leader_options(1, 5, 4);
  options.latency_ms = 10;
  const Measured m = run_valid(options, "n=5 latency 10 leader n4");
  EXPECT_GE(m.send, 0.99);
  EXPECT_GE(m.poll, 0.99);
  expect_at_most_two_per_request(m);
}

// Maelstrom's partition nemesis: followers cut off from the leader serve
// nothing, but nothing they say is wrong.
TEST(LeaderSim, FiveNodesPartitionedIsValid) {
  for (const uint64_t seed : {1, 2, 3}) {
    SimOptions options = leader_options(seed, 5);
    options.latency_ms = 10;
    options.nemesis = {"partition"};
    expect_at_most_two_per_request(
        run_valid(options, "n=5 latency 10 partition seed " + std::to_string(seed)));
  }
  SimOptions options = leader_options(1, 5, 4);
  options.latency_ms = 10;
  options.nemesis = {"partition"};
  const Measured m = run_valid(options, "n=5 latency 10 partition leader n4");
  EXPECT_LT(m.during_faults.send.fraction(), 1.0) << "cut-off followers cannot serve";
}

// Lost, duplicated and late forwards: duplicates must not append twice, lost
// ones must end indefinite.
TEST(LeaderSim, LossDuplicationAndSpikesAreValid) {
  SimOptions options = leader_options(4, 3, 2);
  options.latency_ms = 5;
  options.loss_p = 0.05;
  options.duplicate_p = 0.1;
  options.spike_p = 0.02;
  options.spike_ms = 1500;
  options.node_logs = true;
  testing::Verdict verdict;
  run_valid(options, "n=3 loss/dup/spike leader n2", &verdict);
  // The duplicate filter was exercised, not just unneeded.
  size_t dropped = 0;
  for (const auto& lines : verdict.result.node_logs) {
    for (const std::string& line : lines) {
      dropped += line.find("dropped a repeated request") != std::string::npos;
    }
  }
  EXPECT_GT(dropped, 0u);
  std::printf("[leader] repeated forwards dropped by the leader: %zu\n", dropped);
}

TEST(LeaderSim, OneWayPartitionsAndPausesAreValid) {
  SimOptions options = leader_options(5, 3, 2);
  options.latency_ms = 5;
  options.nemesis = {"one-way", "pause"};
  options.nemesis_interval_s = 3;
  run_valid(options, "n=3 one-way+pause leader n2");
}

TEST(LeaderSim, UniformAndExponentialLatencyAreValid) {
  SimOptions uniform = leader_options(6, 3, 2);
  uniform.latency_ms = 20;
  uniform.latency_dist = LatencyDist::kUniform;
  uniform.nemesis = {"partition"};
  run_valid(uniform, "n=3 uniform 20 partition leader n2");
  SimOptions exponential = leader_options(7, 3, 2);
  exponential.latency_ms = 20;
  exponential.latency_dist = LatencyDist::kExponential;
  run_valid(exponential, "n=3 exponential 20 leader n2");
}

}  // namespace
}  // namespace eddy::sim
