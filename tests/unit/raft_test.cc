// raft::Raft in a hand-stepped cluster (raft_test_cluster.h): elections with
// PreVote and CheckQuorum, replication and commitment (the Raft paper's
// figure 8), ReadIndex, what rounds save (one round carries many proposals
// and reads; a read needs a round started after it; rounds replace
// heartbeats), snapshots, restarts from the persisted state, and a seeded
// storm of partitions and crashes that must never break safety.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/random.h"
#include "tests/unit/raft_test_cluster.h"

namespace eddy::core::raft {
namespace {

using testing::Cluster;

std::string elect(Cluster& cluster, int64_t within_ms = 5000) {
  for (int64_t t = 0; t < within_ms; t += 50) {
    cluster.run_for(50);
    if (const auto leader = cluster.leader()) {
      // Give the others time to hear of it.
      cluster.run_for(100);
      return *cluster.leader();
    }
  }
  ADD_FAILURE() << "no leader within " << within_ms << " ms";
  return "";
}

std::vector<std::string> others(const Cluster& cluster, const std::string& node) {
  std::vector<std::string> rest;
  for (const auto& name : cluster.names()) {
    if (name != node) rest.push_back(name);
  }
  return rest;
}

// A bare node of a 3-node cluster, stepped by hand.
Raft bare_node(const std::string& self) {
  RaftConfig config;
  config.self = self;
  config.peers = {"n0", "n1", "n2"};
  return Raft(config, Rng(1).stream(self), 0);
}

bool replied(const Output& out, const std::string& to, MessageKind kind, bool reject) {
  return std::any_of(out.messages.begin(), out.messages.end(), [&](const auto& sent) {
    return sent.first == to && sent.second.kind == kind && sent.second.reject == reject;
  });
}

TEST(Raft, OfTwoPreCandidatesWithEqualLogsTheGreaterNodeIdYields) {
  // Timers that ran out within a round trip of each other would make both
  // win their pre-votes and split the real vote; the greater id yields.
  Raft n1 = bare_node("n1");
  const int64_t now = n1.next_deadline_ms();
  n1.tick(now);
  ASSERT_EQ(n1.role(), Role::kPreCandidate);
  n1.take_output();
  const Message pre_vote{
      .kind = MessageKind::kPreVote, .term = n1.term() + 1, .index = 0, .log_term = 0};
  n1.step(now, "n0", pre_vote);  // n0 < n1: n1 yields to it
  EXPECT_TRUE(replied(n1.take_output(), "n0", MessageKind::kPreVoteReply, false));
  n1.step(now, "n2", pre_vote);  // n2 > n1: n2 must yield to n1
  EXPECT_TRUE(replied(n1.take_output(), "n2", MessageKind::kPreVoteReply, true));
  // A mere follower grants both: only rival pre-candidates break the tie.
  Raft n0 = bare_node("n0");
  n0.step(0, "n2", pre_vote);
  EXPECT_TRUE(replied(n0.take_output(), "n2", MessageKind::kPreVoteReply, false));
}

TEST(Raft, AFollowerAskedByANodeBehindItRunsForTheTermAtOnce) {
  Cluster cluster(3);
  const std::string leader = elect(cluster);
  ASSERT_TRUE(cluster.propose(leader, 1).has_value());
  cluster.run_for(100);
  const std::string follower = others(cluster, leader)[0];
  Raft& raft = cluster.raft(follower);
  ASSERT_GT(raft.log().last_index(), 0);
  cluster.crash(leader);
  // Past the leader's lease, before the follower's own timer runs out.
  const int64_t now = raft.next_deadline_ms() - 1;
  ASSERT_EQ(raft.role(), Role::kFollower);
  raft.take_output();
  // A node whose log is behind asks first: refused, and the follower, which
  // could win, asks for the term itself rather than wait for its timer.
  raft.step(
      now, others(cluster, leader)[1],
      Message{.kind = MessageKind::kPreVote, .term = raft.term() + 1, .index = 0, .log_term = 0});
  const Output out = raft.take_output();
  EXPECT_TRUE(replied(out, others(cluster, leader)[1], MessageKind::kPreVoteReply, true));
  EXPECT_EQ(raft.role(), Role::kPreCandidate);
  EXPECT_TRUE(std::any_of(out.messages.begin(), out.messages.end(), [](const auto& sent) {
    return sent.second.kind == MessageKind::kPreVote;
  }));
}

TEST(Raft, ElectsOneLeaderThatEveryoneFollows) {
  Cluster cluster(5);
  const std::string leader = elect(cluster);
  for (const auto& name : cluster.names()) {
    EXPECT_EQ(cluster.raft(name).leader(), leader) << name;
    EXPECT_EQ(cluster.raft(name).term(), cluster.raft(leader).term()) << name;
  }
  // The leader's no-op commits everywhere.
  cluster.run_for(200);
  for (const auto& name : cluster.names()) EXPECT_EQ(cluster.applied(name).size(), 1u) << name;
}

TEST(Raft, ASingleNodeLeadsAndCommitsAlone) {
  Cluster cluster(1);
  const std::string leader = elect(cluster);
  ASSERT_TRUE(cluster.propose(leader, 7).has_value());
  EXPECT_EQ(cluster.applied(leader).back(), Value(7));
  const auto read = cluster.read(leader);
  ASSERT_TRUE(read.has_value());
  ASSERT_EQ(cluster.ready_reads(leader).size(), 1u);
  EXPECT_EQ(cluster.ready_reads(leader)[0].read_index, 2);
}

TEST(Raft, ReplicatesAndCommitsInOrderOnEveryNode) {
  Cluster cluster(5);
  const std::string leader = elect(cluster);
  for (int64_t i = 1; i <= 300; ++i) ASSERT_TRUE(cluster.propose(leader, i).has_value());
  cluster.run_for(500);
  for (const auto& name : cluster.names()) {
    ASSERT_EQ(cluster.applied(name).size(), 301u) << name;
    EXPECT_EQ(cluster.applied(name).back(), Value(300)) << name;
    // Everything applied was persisted first.
    EXPECT_EQ(cluster.disk(name).entries.size(), 301u) << name;
  }
}

TEST(Raft, OnlyTheLeaderAcceptsProposalsAndReads) {
  Cluster cluster(3);
  const std::string leader = elect(cluster);
  for (const auto& name : others(cluster, leader)) {
    EXPECT_FALSE(cluster.propose(name, 1).has_value()) << name;
    EXPECT_FALSE(cluster.read(name).has_value()) << name;
  }
}

TEST(Raft, CheckQuorumDeposesALeaderCutOffFromTheMajority) {
  Cluster cluster(5);
  const std::string old_leader = elect(cluster);
  const Term old_term = cluster.raft(old_leader).term();
  cluster.isolate(old_leader);
  cluster.run_for(2000);
  EXPECT_NE(cluster.raft(old_leader).role(), Role::kLeader)
      << "a leader that hears no majority must step down";
  const auto new_leader = cluster.leader();
  ASSERT_TRUE(new_leader.has_value());
  EXPECT_NE(*new_leader, old_leader);
  EXPECT_GT(cluster.raft(*new_leader).term(), old_term);
  // Its proposals commit without the old leader.
  ASSERT_TRUE(cluster.propose(*new_leader, 42).has_value());
  cluster.run_for(200);
  EXPECT_EQ(cluster.applied(*new_leader).back(), Value(42));
}

TEST(Raft, PreVoteKeepsAnIsolatedFollowerFromDisruptingTheLeader) {
  Cluster cluster(5);
  const std::string leader = elect(cluster);
  const Term term = cluster.raft(leader).term();
  const std::string follower = others(cluster, leader)[0];
  cluster.isolate(follower);
  cluster.run_for(3000);  // many election timeouts: it keeps asking, in vain
  EXPECT_EQ(cluster.raft(follower).term(), term) << "PreVote must not bump its term";
  cluster.heal();
  cluster.run_for(1000);
  EXPECT_EQ(cluster.leader(), leader);
  EXPECT_EQ(cluster.raft(leader).term(), term) << "the returning node deposed the leader";
  EXPECT_EQ(cluster.raft(follower).leader(), leader);
}

TEST(Raft, AFollowerThatHearsTheLeaderRejectsPreVotes) {
  Cluster cluster(3);
  const std::string leader = elect(cluster);
  const std::string a = others(cluster, leader)[0];
  const std::string b = others(cluster, leader)[1];
  // b hears nobody; a still hears the leader.
  cluster.isolate(b);
  cluster.run_for(1500);
  cluster.heal();
  cluster.cut(b, leader);  // b can reach only a, which is in the leader's lease
  cluster.run_for(1500);
  EXPECT_EQ(cluster.raft(leader).role(), Role::kLeader);
  EXPECT_EQ(cluster.raft(a).leader(), leader);
  EXPECT_NE(cluster.raft(b).role(), Role::kLeader);
}

TEST(Raft, APreviousTermsEntryCommitsOnlyWithAnEntryOfTheLeadersTerm) {
  // The Raft paper's figure 8: an old entry on a majority may still be
  // overwritten unless an entry of the current term is on a majority too.
  Cluster cluster(5);
  const std::string l1 = elect(cluster);
  std::vector<std::string> rest = others(cluster, l1);
  const std::string f1 = rest[0];
  // l1 replicates x to f1 only, then dies.
  for (const auto& other : rest) {
    if (other != f1) cluster.cut(l1, other);
  }
  const auto x_index = cluster.propose(l1, 100);
  ASSERT_TRUE(x_index.has_value());
  // A round goes to two followers, maybe not f1; f1 has x by its next
  // heartbeat at the latest.
  cluster.run_for(RaftConfig{}.heartbeat_ms + 10);
  ASSERT_EQ(cluster.raft(f1).log().term_at(*x_index), cluster.raft(l1).term());
  cluster.crash(l1);
  cluster.heal();
  cluster.isolate(f1);
  // Two of the other three... all three elect a new leader; its entries are
  // lost with it.
  const std::string l2 = elect(cluster);
  ASSERT_NE(l2, f1);
  cluster.isolate(l2);
  cluster.in_flight().clear();
  ASSERT_TRUE(cluster.propose(l2, 200).has_value());
  cluster.in_flight().clear();
  cluster.crash(l2);
  // l1 comes back with x and leads again.
  cluster.heal();
  cluster.isolate(l2);
  cluster.restart(l1);
  for (int64_t t = 0; t < 5000 && cluster.leader() != l1; t += 5) {
    cluster.run_for(5);
    const auto leader = cluster.leader();
    if (leader && *leader != l1) break;  // someone else may win; the check below still holds
  }
  // Whoever leads, the commit index only ever moves to an entry of its term.
  for (int step = 0; step < 2000; ++step) {
    cluster.run_for(1);
    for (const auto& name : cluster.names()) {
      Raft& raft = cluster.raft(name);
      if (raft.role() != Role::kLeader) continue;
      const Index commit = raft.commit_index();
      if (commit >= *x_index) {
        EXPECT_EQ(raft.log().term_at(commit), raft.term())
            << name << " committed through " << commit << " by counting an old term's entry";
      }
    }
  }
}

TEST(Raft, ReadIndexNeedsAMajorityToConfirmTheLeadership) {
  Cluster cluster(3);
  const std::string leader = elect(cluster);
  ASSERT_TRUE(cluster.read(leader).has_value());
  cluster.run_for(100);
  EXPECT_EQ(cluster.ready_reads(leader).size(), 1u);
  // Cut off, it cannot confirm a read (and steps down: the read fails).
  cluster.isolate(leader);
  ASSERT_TRUE(cluster.read(leader).has_value());
  cluster.run_for(100);
  EXPECT_EQ(cluster.ready_reads(leader).size(), 1u) << "confirmed by nobody";
}

// --- what Raft costs: rounds (docs/raft.md, "Replication" and "Reads") ---

// Timeouts long enough that no heartbeat falls inside a test's few steps,
// so that every message counted below is a round's.
RaftConfig quiet_config() {
  RaftConfig config;
  config.election_timeout_ms = 5000;
  config.heartbeat_ms = 1000;
  return config;
}

// The leader's appends (with entries, or any) from sent()[since] on.
size_t appends_from(const Cluster& cluster, const std::string& leader, size_t since,
                    bool with_entries_only) {
  size_t count = 0;
  for (size_t i = since; i < cluster.sent().size(); ++i) {
    const testing::Sent& m = cluster.sent()[i];
    if (m.from == leader && m.kind == MessageKind::kAppend &&
        (m.entries > 0 || !with_entries_only)) {
      ++count;
    }
  }
  return count;
}

TEST(Raft, ARoundCarriesEveryProposalThatArrivedWhileTheLastWasUnderWay) {
  Cluster cluster(5, 1, quiet_config());
  const std::string leader = elect(cluster, 30000);
  cluster.run_for(100);
  const size_t start = cluster.sent().size();
  ASSERT_TRUE(cluster.propose(leader, 1).has_value());
  // A round starts at once, to the two followers a majority needs.
  EXPECT_EQ(appends_from(cluster, leader, start, true), 2u);
  for (int64_t i = 2; i <= 50; ++i) ASSERT_TRUE(cluster.propose(leader, i).has_value());
  EXPECT_EQ(appends_from(cluster, leader, start, true), 2u) << "one round outstanding at a time";
  cluster.deliver_all();  // acknowledged: 1 commits
  EXPECT_EQ(cluster.applied(leader).back(), Value(1));
  const size_t second = cluster.sent().size();
  cluster.run_for(5);  // past the batch window: one round carries the 49 others
  EXPECT_EQ(appends_from(cluster, leader, second, true), 2u);
  for (size_t i = second; i < cluster.sent().size(); ++i) {
    const testing::Sent& m = cluster.sent()[i];
    if (m.from == leader && m.entries > 0) {
      EXPECT_GE(m.entries, 49u) << m.to;
    }
  }
  EXPECT_EQ(cluster.applied(leader).back(), Value(50));
  EXPECT_EQ(cluster.applied(leader).size(), 51u);
}

TEST(Raft, AReadIsConfirmedOnlyByARoundStartedAfterIt) {
  Cluster cluster(5, 1, quiet_config());
  const std::string leader = elect(cluster, 30000);
  cluster.run_for(100);
  ASSERT_TRUE(cluster.propose(leader, 1).has_value());  // a round under way
  const int64_t round_under_way = cluster.sent().back().round;
  const size_t start = cluster.sent().size();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(cluster.read(leader).has_value());
  EXPECT_EQ(cluster.sent().size(), start) << "the reads wait for the next round";
  // The round under way is acknowledged by everyone it went to: that proves
  // nothing about the leadership after the reads arrived.
  cluster.deliver_all();
  EXPECT_TRUE(cluster.ready_reads(leader).empty());
  // The next round, one for all twenty reads, confirms them.
  const size_t next = cluster.sent().size();
  cluster.run_for(5);
  EXPECT_EQ(appends_from(cluster, leader, next, false), 2u);
  for (size_t i = next; i < cluster.sent().size(); ++i) {
    EXPECT_GT(cluster.sent()[i].round, round_under_way);
  }
  EXPECT_EQ(cluster.ready_reads(leader).size(), 20u);
}

TEST(Raft, AReadNeedsAMajorityOfTheNextRoundNotJustOneAck) {
  Cluster cluster(5, 1, quiet_config());
  const std::string leader = elect(cluster, 30000);
  cluster.run_for(100);
  ASSERT_TRUE(cluster.read(leader).has_value());  // an idle leader: a round at once
  ASSERT_EQ(cluster.in_flight().size(), 2u);
  // One of the two acknowledgements is lost: one follower and the leader
  // are not a majority of five.
  cluster.cut(leader, cluster.in_flight().front().to);
  cluster.deliver_all();
  EXPECT_TRUE(cluster.ready_reads(leader).empty());
  cluster.heal();
  // The round is given up after a heartbeat; the next one confirms it.
  cluster.run_for(quiet_config().heartbeat_ms + 10);
  EXPECT_EQ(cluster.ready_reads(leader).size(), 1u);
}

TEST(Raft, UnderSteadyLoadRoundsReplaceHeartbeatsAndEveryFollowerStillHearsTheLeader) {
  Cluster cluster(5);
  const std::string leader = elect(cluster);
  cluster.run_for(200);
  const size_t start = cluster.sent().size();
  const int64_t from_ms = cluster.now_ms();
  const int proposals = 400;
  for (int i = 0; i < proposals; ++i) {
    ASSERT_TRUE(cluster.propose(leader, i).has_value());
    if (i % 2 == 1) cluster.run_for(5);  // two proposals every 5 ms
  }
  cluster.run_for(100);
  // Appends and acknowledgements, all nodes: a round of two appends and two
  // acknowledgements per 5 ms step, and each follower left out of the rounds
  // for a heartbeat gets one (before: an append per proposal per follower,
  // each acknowledged, and heartbeats besides).
  const size_t messages = cluster.sent().size() - start;
  EXPECT_LE(messages, static_cast<size_t>(proposals) * 5 / 2) << messages << " messages";
  // No follower goes a heartbeat without hearing from the leader.
  const int64_t heartbeat_ms = RaftConfig{}.heartbeat_ms;
  for (const auto& follower : others(cluster, leader)) {
    int64_t last_ms = from_ms;
    for (size_t i = start; i < cluster.sent().size(); ++i) {
      const testing::Sent& m = cluster.sent()[i];
      if (m.from != leader || m.to != follower) continue;
      EXPECT_LE(m.at_ms - last_ms, heartbeat_ms + 5) << follower << " at " << m.at_ms;
      last_ms = m.at_ms;
    }
  }
  for (const auto& name : cluster.names()) {
    EXPECT_EQ(cluster.applied(name), cluster.applied(leader)) << name;
  }
}

TEST(Raft, AFollowerBehindTheCompactedLogCatchesUpBySnapshot) {
  Cluster cluster(3);
  const std::string leader = elect(cluster);
  const std::string lagging = others(cluster, leader)[0];
  cluster.isolate(lagging);
  for (int64_t i = 1; i <= 50; ++i) ASSERT_TRUE(cluster.propose(leader, i).has_value());
  cluster.run_for(200);
  cluster.compact(leader);
  EXPECT_GT(cluster.raft(leader).log().snapshot_index(), 1);
  cluster.heal();
  cluster.run_for(500);
  EXPECT_EQ(cluster.applied(lagging), cluster.applied(leader));
  EXPECT_EQ(cluster.raft(lagging).log().snapshot_index(),
            cluster.raft(leader).log().snapshot_index());
  ASSERT_TRUE(cluster.disk(lagging).snapshot.has_value()) << "the installed snapshot is persisted";
}

TEST(Raft, ARestartedNodeKeepsItsTermVoteAndLog) {
  Cluster cluster(3);
  const std::string leader = elect(cluster);
  for (int64_t i = 1; i <= 20; ++i) ASSERT_TRUE(cluster.propose(leader, i).has_value());
  cluster.run_for(200);
  const std::string follower = others(cluster, leader)[0];
  const Term term = cluster.raft(follower).term();
  const Index last = cluster.raft(follower).log().last_index();
  cluster.crash(follower);
  cluster.restart(follower);
  EXPECT_EQ(cluster.raft(follower).term(), term);
  EXPECT_EQ(cluster.raft(follower).log().last_index(), last);
  cluster.run_for(500);
  EXPECT_EQ(cluster.applied(follower), cluster.applied(leader));
}

// A storm: random partitions, crashes, restarts and proposals, many seeds;
// Cluster::check_safety runs after every step.
TEST(Raft, StaysSafeThroughRandomPartitionsAndCrashes) {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    Cluster cluster(5, seed);
    Rng rng(seed);
    int64_t value = 0;
    for (int round = 0; round < 40; ++round) {
      switch (rng.below(5)) {
        case 0:
          cluster.heal();
          break;
        case 1: {
          std::vector<std::string> names = cluster.names();
          for (size_t i = names.size(); i > 1; --i) std::swap(names[i - 1], names[rng.below(i)]);
          const auto split = static_cast<std::ptrdiff_t>(1 + rng.below(names.size() - 1));
          cluster.partition({names.begin(), names.begin() + split},
                            {names.begin() + split, names.end()});
          break;
        }
        case 2: {
          const std::string& name = cluster.names()[rng.below(cluster.names().size())];
          cluster.crash(name);
          cluster.run_for(50);
          cluster.restart(name, seed + static_cast<uint64_t>(round));
          break;
        }
        default:
          break;
      }
      if (const auto leader = cluster.leader()) {
        for (int i = 0; i < 5; ++i) cluster.propose(*leader, ++value);
      }
      cluster.run_for(static_cast<int64_t>(50 + rng.below(400)));
      if (::testing::Test::HasFatalFailure()) {
        FAIL() << "seed " << seed << ", round " << round;
      }
    }
    cluster.heal();
    cluster.run_for(3000);
    // Healed, everyone converges on one history.
    const auto leader = cluster.leader();
    ASSERT_TRUE(leader.has_value()) << "seed " << seed;
    for (const auto& name : cluster.names()) {
      EXPECT_EQ(cluster.applied(name), cluster.applied(*leader)) << "seed " << seed << " " << name;
    }
  }
}

}  // namespace
}  // namespace eddy::core::raft
