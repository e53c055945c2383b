// Crash and restart in the simulator (sim/node_host.h, sim/nemesis.h): a
// crashed node's state, timers and undelivered messages are gone; it restarts
// from exactly what it made durable and is re-initialised; torn writes lose at
// most the write the crash can have hit; a slow disk holds what follows a
// write; clock skew offsets each node's clock. First as stories on one
// NodeHost driven by hand, then through whole lin-kv runs of a durable
// register: valid under every new fault, replayed byte for byte, and a
// register that acknowledges before it persists is caught.
//
// The node under test is TestRegister, an Application of this file: a lin-kv
// register that persists each write and cas as one log entry before it
// answers (or after, when broken), optionally persists a tick entry on a
// timer, and rebuilds its map from the entries on restore. A Probe outside
// the nodes records what every incarnation persisted, was restored from, and
// saw, since the incarnation itself dies with its node.
#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error_code.h"
#include "core/overloaded.h"
#include "sim/node_host.h"
#include "sim/world.h"
#include "tests/sim/sim_test_support.h"

namespace eddy::sim {
namespace {

using core::Value;

// --- the node under test ---------------------------------------------------------

struct Incarnation {
  int node = 0;
  std::optional<core::Persisted> restored;
  std::string node_id;  // from its init
  std::vector<std::string> node_ids;
  std::vector<core::PersistEffect> persisted;  // in the order emitted
  int64_t timers_fired = 0;
  int64_t requests = 0;
  std::vector<int64_t> init_now_ms;  // the clock it saw at init
};

struct Probe {
  std::deque<Incarnation> incarnations;  // a deque: the apps keep pointers
  // Every incarnation of `node`, oldest first.
  std::vector<const Incarnation*> of(int node) const {
    std::vector<const Incarnation*> out;
    for (const Incarnation& inc : incarnations) {
      if (inc.node == node) out.push_back(&inc);
    }
    return out;
  }
};

struct RegisterConfig {
  int64_t tick_ms = 0;              // > 0: persist a tick entry this often
  bool ack_before_persist = false;  // broken: answer a write, then persist it
};

Value command_of(const Value& key, const Value& value) {
  return Value::from_json_text("[" + key.to_json_text() + "," + value.to_json_text() + "]");
}

class TestRegister : public core::Application {
 public:
  TestRegister(RegisterConfig config, Incarnation& inc) : config_(config), inc_(inc) {}

  void restore(const core::Persisted& persisted) override {
    inc_.restored = persisted;
    for (const core::PersistedEntry& entry : persisted.entries) {
      next_index_ = entry.index + 1;
      const nlohmann::json command = entry.command.to_json();
      if (command.is_array()) values_[Value::from_json(command[0])] = Value::from_json(command[1]);
    }
  }

  void on_init(core::Context& ctx) override {
    inc_.node_id = ctx.node_id();
    inc_.node_ids = ctx.node_ids();
    inc_.init_now_ms.push_back(ctx.now_ms());
    if (config_.tick_ms > 0) ctx.set_timer(kTick, ctx.now_ms() + config_.tick_ms);
  }

  void on_timer(core::Context& ctx, uint64_t /*arg*/) override {
    ++inc_.timers_fired;
    persist(ctx, Value::from_json_text("\"tick\""));
    ctx.set_timer(kTick, ctx.now_ms() + config_.tick_ms);
  }

  bool on_request(core::Context& ctx, core::Message& request) override {
    ++inc_.requests;
    if (const auto* read = std::get_if<core::KvReadBody>(&request.body)) {
      const auto it = values_.find(read->key);
      if (it == values_.end()) return error(ctx, request, core::ErrorCode::kKeyDoesNotExist);
      ctx.reply(request, core::KvReadOkBody{it->second});
      return true;
    }
    if (const auto* write = std::get_if<core::KvWriteBody>(&request.body)) {
      apply(ctx, request, write->key, write->value, core::KvWriteOkBody{});
      return true;
    }
    if (const auto* cas = std::get_if<core::KvCasBody>(&request.body)) {
      const auto it = values_.find(cas->key);
      if (it == values_.end()) return error(ctx, request, core::ErrorCode::kKeyDoesNotExist);
      if (!(it->second == cas->from)) {
        return error(ctx, request, core::ErrorCode::kPreconditionFailed);
      }
      apply(ctx, request, cas->key, cas->to, core::KvCasOkBody{});
      return true;
    }
    return false;
  }

 private:
  static constexpr uint64_t kTick = 1;

  bool error(core::Context& ctx, const core::Message& request, core::ErrorCode code) {
    ctx.reply(request, core::ErrorBody{static_cast<int32_t>(code), "test register"});
    return true;
  }

  void apply(core::Context& ctx, const core::Message& request, const Value& key, const Value& value,
             core::Body ok) {
    values_[key] = value;
    if (config_.ack_before_persist) ctx.reply(request, std::move(ok));
    persist(ctx, command_of(key, value));
    if (!config_.ack_before_persist) ctx.reply(request, std::move(ok));
  }

  void persist(core::Context& ctx, Value command) {
    core::PersistEffect effect;
    if (next_index_ == 1) effect.hard_state = core::HardState{1, inc_.node_id};
    effect.entries.push_back(core::PersistedEntry{next_index_++, 1, std::move(command)});
    inc_.persisted.push_back(effect);
    ctx.persist(std::move(effect));
  }

  RegisterConfig config_;
  Incarnation& inc_;
  int64_t next_index_ = 1;
  std::map<Value, Value> values_;
};

ApplicationFactory register_factory(Probe& probe, RegisterConfig config) {
  return [&probe, config](int node) {
    probe.incarnations.push_back(Incarnation{});
    probe.incarnations.back().node = node;
    return std::make_unique<TestRegister>(config, probe.incarnations.back());
  };
}

core::Persisted fold(const std::vector<core::PersistEffect>& effects, size_t count) {
  core::Persisted persisted;
  for (size_t i = 0; i < count; ++i) EXPECT_TRUE(persisted.apply(effects[i]));
  return persisted;
}

// Checks every restart of `node`: it was restored from what its earlier
// incarnations persisted, less at most `lost_max` effects from the end.
// Returns the total number of effects lost across its restarts.
size_t check_restores(const Probe& probe, int node, size_t lost_max) {
  std::vector<core::PersistEffect> durable;  // what a restart should find, so far
  size_t lost_total = 0;
  const std::vector<const Incarnation*> incs = probe.of(node);
  for (size_t i = 0; i < incs.size(); ++i) {
    if (i > 0) {
      EXPECT_TRUE(incs[i]->restored.has_value()) << "incarnation " << i << " was not restored";
      if (!incs[i]->restored) continue;
      // Fold up to the fewest effects it may have kept, then one at a time:
      // the last prefix that matches is what it kept.
      const size_t fewest = durable.size() - std::min(lost_max, durable.size());
      core::Persisted prefix = fold(durable, fewest);
      std::optional<size_t> kept;
      for (size_t count = fewest;; ++count) {
        if (prefix == *incs[i]->restored) kept = count;
        if (count == durable.size()) break;
        EXPECT_TRUE(prefix.apply(durable[count]));
      }
      EXPECT_TRUE(kept.has_value()) << "node " << node << " incarnation " << i
                                    << " was restored from something other than the last "
                                    << durable.size() << " effects less at most " << lost_max;
      if (!kept) return lost_total;
      lost_total += durable.size() - *kept;
      durable.resize(*kept);
    } else {
      EXPECT_FALSE(incs[i]->restored.has_value()) << "a first incarnation was restored";
    }
    durable.insert(durable.end(), incs[i]->persisted.begin(), incs[i]->persisted.end());
  }
  return lost_total;
}

// --- one node and one client, driven by hand ---------------------------------------

class HostStory {
 public:
  HostStory(SimOptions options, RegisterConfig config, int nodes = 1)
      : options_(std::move(options)), root_(options_.seed), world_(options_, root_) {
    for (int i = 0; i < nodes; ++i) {
      const std::string name = "n" + std::to_string(i);
      hosts_.push_back(std::make_unique<NodeHost>(world_, i, name, register_factory(probe_, config),
                                                  root_.stream("node " + name)));
      node_ids_.push_back(name);
    }
    world_.network.add_endpoint("c0", EndpointKind::kClient);
    for (int i = 0; i < nodes; ++i) request(core::InitBody{node_ids_[i], node_ids_}, i);
    run_for_ms(1);
  }

  NodeHost& host(int i = 0) { return *hosts_[static_cast<size_t>(i)]; }
  Probe& probe() { return probe_; }
  World& world() { return world_; }
  const std::vector<std::string>& node_ids() const { return node_ids_; }
  int64_t now_ms() const { return world_.now_ms(); }

  // Sends `body` from c0 to node `node`; returns its msg_id.
  int64_t request(core::Body body, int node = 0) {
    const int64_t id = next_msg_id_++;
    world_.network.send(world_.now_us, core::Message{"c0", node_ids_[static_cast<size_t>(node)], id,
                                                     std::nullopt, std::move(body)});
    return id;
  }
  int64_t write(int64_t key, int64_t value) {
    return request(core::KvWriteBody{Value(key), Value(value)});
  }

  void run_for_ms(int64_t ms) {
    const TimeUs end_us = world_.now_us + ms * 1000;
    while (!world_.agenda.empty() && *world_.agenda.next_due_us() <= end_us) {
      auto [due_us, event] = world_.agenda.pop();
      world_.now_us = due_us;
      handle(event);
    }
    world_.now_us = end_us;
  }

  // Replies c0 got: (virtual ms, message).
  struct Reply {
    int64_t at_ms;
    core::Message message;
  };
  const std::vector<Reply>& replies() const { return replies_; }
  std::optional<Reply> reply_to(int64_t msg_id) const {
    for (const Reply& reply : replies_) {
      if (reply.message.in_reply_to == msg_id) return reply;
    }
    return std::nullopt;
  }

 private:
  void handle(SimEvent& event) {
    std::visit(core::Overloaded{
                   [&](DequeueEvent& e) { world_.network.on_dequeue(world_.now_us, e.endpoint); },
                   [&](DeliverEvent& e) {
                     core::Message* message = world_.network.on_deliver(world_.now_us, e);
                     if (message == nullptr) return;
                     core::Message delivered = std::move(*message);
                     world_.network.release(e);
                     for (auto& h : hosts_) {
                       if (h->endpoint() == e.endpoint) return h->receive(std::move(delivered));
                     }
                     replies_.push_back(Reply{world_.now_ms(), std::move(delivered)});
                   },
                   [&](NodeTimerEvent& e) { hosts_[static_cast<size_t>(e.node)]->on_timer(e); },
                   [&](NodeDiskEvent& e) { hosts_[static_cast<size_t>(e.node)]->on_disk(e); },
                   [](auto&) {},
               },
               event);
  }

  SimOptions options_;
  core::Rng root_;
  World world_;
  Probe probe_;
  std::vector<std::unique_ptr<NodeHost>> hosts_;
  std::vector<std::string> node_ids_;
  int64_t next_msg_id_ = 1;
  std::vector<Reply> replies_;
};

bool is_ok(const std::optional<HostStory::Reply>& reply) {
  return reply && !std::holds_alternative<core::ErrorBody>(reply->message.body);
}

TEST(CrashRestart, ARestartRestoresExactlyWhatWasDurable) {
  HostStory story(SimOptions{}, RegisterConfig{.tick_ms = 100});
  story.write(1, 10);
  story.write(2, 20);
  story.run_for_ms(450);  // four ticks
  ASSERT_EQ(story.probe().incarnations.size(), 1u);
  const Incarnation& first = story.probe().incarnations[0];
  EXPECT_EQ(first.persisted.size(), 6u);
  const core::Persisted durable = fold(first.persisted, first.persisted.size());
  EXPECT_EQ(story.host().disk(), durable);

  EXPECT_FALSE(story.host().crash(/*tear=*/false));
  EXPECT_FALSE(story.host().up());
  EXPECT_EQ(story.host().node(), nullptr);
  story.run_for_ms(300);
  story.host().restart(story.node_ids());
  ASSERT_EQ(story.probe().incarnations.size(), 2u);
  const Incarnation& second = story.probe().incarnations[1];
  ASSERT_TRUE(second.restored.has_value());
  EXPECT_EQ(*second.restored, durable);
  EXPECT_EQ(check_restores(story.probe(), 0, 0), 0u);
  // Re-initialised as Maelstrom starts a process; its init_ok went nowhere.
  EXPECT_EQ(second.node_id, "n0");
  EXPECT_EQ(second.node_ids, story.node_ids());
  EXPECT_EQ(story.world().network.stats().all.dropped, 0);
  EXPECT_EQ(story.host().restarts(), 1);
  // It serves from the restored state.
  const int64_t read = story.request(core::KvReadBody{Value(2)});
  story.run_for_ms(1);
  ASSERT_TRUE(is_ok(story.reply_to(read)));
  EXPECT_EQ(std::get<core::KvReadOkBody>(story.reply_to(read)->message.body).value, Value(20));
}

TEST(CrashRestart, ADeadNodesTimersNeverFire) {
  HostStory story(SimOptions{}, RegisterConfig{.tick_ms = 100});
  story.run_for_ms(250);
  const int64_t fired = story.probe().incarnations[0].timers_fired;
  EXPECT_EQ(fired, 2);
  const int64_t steps = story.host().steps();
  story.host().crash(false);
  story.run_for_ms(1000);
  EXPECT_EQ(story.probe().incarnations[0].timers_fired, fired);
  EXPECT_EQ(story.host().steps(), steps);  // nothing ran on the dead node
  story.host().restart(story.node_ids());
  story.run_for_ms(350);
  EXPECT_EQ(story.probe().incarnations[1].timers_fired, 3);  // the new one's own
  EXPECT_EQ(story.probe().incarnations[0].timers_fired, fired);
}

TEST(CrashRestart, MessagesToADownNodeAreDroppedAndCounted) {
  HostStory story(SimOptions{}, RegisterConfig{});
  const int64_t delivered = story.write(1, 1);
  story.run_for_ms(1);
  ASSERT_TRUE(is_ok(story.reply_to(delivered)));
  // Queued but not yet taken when the node dies: lost with it.
  story.write(1, 2);
  story.host().crash(false);
  // Sent while it is down.
  story.write(1, 3);
  story.request(core::KvReadBody{Value(1)});
  story.run_for_ms(100);
  const NetStats& net = story.world().network.stats();
  EXPECT_EQ(net.to_crashed_node, 3);
  EXPECT_EQ(net.clients.dropped, 3);
  EXPECT_EQ(story.replies().size(), 2u);  // init_ok and the first write's, still delivered
  story.host().restart(story.node_ids());
  const int64_t read = story.request(core::KvReadBody{Value(1)});
  story.run_for_ms(1);
  ASSERT_TRUE(is_ok(story.reply_to(read)));
  EXPECT_EQ(std::get<core::KvReadOkBody>(story.reply_to(read)->message.body).value, Value(1));
  EXPECT_EQ(story.world().network.stats().to_crashed_node, 3);
}

TEST(CrashRestart, ATornWriteLosesOnlyAWriteNothingHasDependedOn) {
  SimOptions options;
  options.torn_writes = true;
  {
    // The last write is a tick: nothing left the node after it, so the
    // crash can land in it.
    HostStory story(options, RegisterConfig{.tick_ms = 100});
    story.write(1, 1);
    story.run_for_ms(250);
    const Incarnation& first = story.probe().incarnations[0];
    ASSERT_EQ(first.persisted.size(), 3u);
    EXPECT_TRUE(story.host().crash(/*tear=*/true));
    EXPECT_EQ(story.host().disk(), fold(first.persisted, 2));
    story.host().restart(story.node_ids());
    EXPECT_EQ(check_restores(story.probe(), 0, 1), 1u);
    // A second crash cannot tear what the restarted node found on disk.
    EXPECT_FALSE(story.host().crash(true));
    EXPECT_EQ(story.host().disk(), fold(first.persisted, 2));
  }
  {
    // The last write was answered: its reply depended on it, so it is whole.
    HostStory story(options, RegisterConfig{});
    story.write(1, 1);
    story.write(1, 2);
    story.run_for_ms(1);
    EXPECT_FALSE(story.host().crash(true));
    EXPECT_EQ(story.host().disk(), fold(story.probe().incarnations[0].persisted, 2));
  }
  {
    // Without torn writes, nothing is ever lost.
    HostStory story(SimOptions{}, RegisterConfig{.tick_ms = 100});
    story.run_for_ms(250);
    EXPECT_FALSE(story.host().crash(true));
    EXPECT_EQ(story.host().disk(), fold(story.probe().incarnations[0].persisted, 2));
  }
}

TEST(CrashRestart, ASlowDiskHoldsWhatFollowsAWriteInOrder) {
  SimOptions options;
  options.slow_disk_p = 1;
  options.slow_disk_ms = 50;
  HostStory story(options, RegisterConfig{});
  const int64_t start_ms = story.now_ms();
  const int64_t first = story.write(1, 1);
  story.run_for_ms(10);
  const int64_t read = story.request(core::KvReadBody{Value(1)});
  story.run_for_ms(10);
  // The node stepped on the read at once, but its reply waits behind the write.
  EXPECT_EQ(story.probe().incarnations[0].requests, 2);
  EXPECT_FALSE(story.reply_to(first).has_value());
  EXPECT_TRUE(story.host().disk().empty());
  story.run_for_ms(40);
  ASSERT_TRUE(is_ok(story.reply_to(first)));
  ASSERT_TRUE(is_ok(story.reply_to(read)));
  EXPECT_EQ(story.reply_to(first)->at_ms, start_ms + 50);
  EXPECT_EQ(story.reply_to(read)->at_ms, start_ms + 50);
  EXPECT_EQ(story.host().disk().entries.size(), 1u);
  // Two writes in a row: the second starts when the first is done.
  const int64_t second = story.write(1, 2);
  const int64_t third = story.write(1, 3);
  story.run_for_ms(60);
  EXPECT_TRUE(is_ok(story.reply_to(second)));
  EXPECT_FALSE(story.reply_to(third).has_value());
  story.run_for_ms(50);
  EXPECT_EQ(story.reply_to(third)->at_ms, story.reply_to(second)->at_ms + 50);
}

TEST(CrashRestart, ACrashDuringASlowWriteKeepsItWholeOrTearsIt) {
  SimOptions options;
  options.slow_disk_p = 1;
  options.slow_disk_ms = 50;
  options.torn_writes = true;
  for (const bool tear : {false, true}) {
    HostStory story(options, RegisterConfig{});
    const int64_t ok = story.write(1, 1);
    story.run_for_ms(60);
    const int64_t pending = story.write(1, 2);
    const int64_t behind = story.write(1, 3);  // never started: lost either way
    story.run_for_ms(20);
    EXPECT_EQ(story.host().crash(tear), tear);
    const auto& persisted = story.probe().incarnations[0].persisted;
    ASSERT_EQ(persisted.size(), 3u);
    EXPECT_EQ(story.host().disk(), fold(persisted, tear ? 1 : 2));
    story.run_for_ms(100);
    EXPECT_TRUE(is_ok(story.reply_to(ok)));
    EXPECT_FALSE(story.reply_to(pending).has_value());
    EXPECT_FALSE(story.reply_to(behind).has_value());
  }
}

TEST(CrashRestart, ClockSkewOffsetsEachNodeByAConstant) {
  SimOptions options;
  options.clock_skew_ms = 500;
  options.seed = 3;
  HostStory story(options, RegisterConfig{.tick_ms = 100}, /*nodes=*/3);
  std::vector<int64_t> ahead;
  for (int i = 0; i < 3; ++i) {
    ahead.push_back(story.host(i).clock_ahead_ms());
    EXPECT_GE(ahead.back(), 0);
    EXPECT_LE(ahead.back(), 1000);
    // Init came at virtual 0 ms; the node's clock read its offset.
    EXPECT_EQ(story.probe().of(i)[0]->init_now_ms, std::vector<int64_t>{ahead.back()});
  }
  EXPECT_FALSE(ahead[0] == ahead[1] && ahead[1] == ahead[2]);
  // Timers still fire after the span asked for, on every clock.
  story.run_for_ms(1000);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(story.probe().of(i)[0]->timers_fired, 10);
  // A restarted node's clock goes on where it was, never backwards.
  story.host(1).crash(false);
  story.host(1).restart(story.node_ids());
  EXPECT_EQ(story.probe().of(1)[1]->init_now_ms, std::vector<int64_t>{1001 + ahead[1]});
  // The same seed draws the same skews.
  HostStory again(options, RegisterConfig{}, 3);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(again.host(i).clock_ahead_ms(), ahead[static_cast<size_t>(i)]);
}

// --- whole runs: lin-kv on one node with a durable register ------------------------

SimOptions crash_run_options(uint64_t seed) {
  SimOptions options = testing::seed003_options(seed);
  options.strategy = "test-register";
  options.node_count = 1;
  options.concurrency = 4;
  options.time_limit_s = 20;
  options.rate_per_s = 50;
  options.nemesis = {"crash"};
  options.nemesis_interval_s = 1;
  return options;
}

struct RunOutcome {
  testing::LinKvVerdict verdict;
  std::string history;
  std::string report;
};

RunOutcome run_register(SimOptions options, Probe& probe, RegisterConfig config = {}) {
  options.application_factory = register_factory(probe, config);
  RunOutcome run{testing::run_and_check_linkv(options), {}, {}};
  run.history = testing::history_text(run.verdict.result.linkv_history);
  run.report = format_run_report(options, run.verdict.result, run_check_of(run.verdict.check));
  return run;
}

size_t count_nemesis(const std::string& history, const std::string& text) {
  size_t n = 0;
  for (size_t at = history.find(text); at != std::string::npos; at = history.find(text, at + 1)) {
    ++n;
  }
  return n;
}

TEST(CrashRestartRun, ADurableRegisterStaysLinearizableThroughCrashes) {
  Probe probe;
  const RunOutcome run = run_register(crash_run_options(1), probe);
  ASSERT_TRUE(run.verdict.result.abort_reason.empty()) << run.verdict.result.abort_reason;
  EXPECT_EQ(run.verdict.check.workload_validity, checker::Validity::kValid)
      << run.report << run.verdict.replay;
  EXPECT_GE(count_nemesis(run.history, "\"start-crash n0\""), 3u) << run.history;
  EXPECT_GE(count_nemesis(run.history, "\"stop-crash (restart n0)\""), 3u);
  EXPECT_GT(run.verdict.result.net.to_crashed_node, 0);
  EXPECT_NE(run.report.find("lost with crashed nodes: "), std::string::npos);
  EXPECT_GE(probe.of(0).size(), 4u);
  EXPECT_EQ(check_restores(probe, 0, 0), 0u);
}

TEST(CrashRestartRun, EveryNewFaultTogetherIsValidAndReplaysByteForByte) {
  SimOptions options = crash_run_options(2);
  options.torn_writes = true;
  options.slow_disk_p = 0.3;
  options.slow_disk_ms = 40;
  options.clock_skew_ms = 200;
  options.nemesis = {"crash", "pause"};
  Probe first_probe, second_probe;
  const RunOutcome first = run_register(options, first_probe);
  const RunOutcome second = run_register(options, second_probe);
  EXPECT_EQ(first.verdict.check.workload_validity, checker::Validity::kValid)
      << first.report << first.verdict.replay;
  EXPECT_EQ(first.history, second.history);
  EXPECT_EQ(first.report, second.report);
  EXPECT_NE(first.verdict.replay.find(
                "--torn-writes --clock-skew-ms 200 --slow-disk-p 0.3 --slow-disk-ms 40"),
            std::string::npos)
      << first.verdict.replay;
  // A slow disk can lose every write still waiting behind the one in
  // progress, so the restores are checked against any suffix lost.
  check_restores(first_probe, 0, SIZE_MAX);
}

TEST(CrashRestartRun, TornWritesLoseAtMostTheLastWrite) {
  // No slow disk: only the last write can be lost, and only a tick's (the
  // writes are answered after they persist).
  size_t lost = 0;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    SimOptions options = crash_run_options(seed);
    options.torn_writes = true;
    Probe probe;
    const RunOutcome run = run_register(options, probe, RegisterConfig{.tick_ms = 20});
    EXPECT_EQ(run.verdict.check.workload_validity, checker::Validity::kValid)
        << run.report << run.verdict.replay;
    lost += check_restores(probe, 0, 1);
  }
  EXPECT_GT(lost, 0u) << "no crash tore a write in three runs";
}

TEST(CrashRestartRun, ARegisterThatAnswersBeforeItPersistsIsCaughtByTornWrites) {
  // Its answer leaves before its write is durable, so a crash can tear a
  // write a client was told is done. Without torn writes every write it
  // began is kept, and it looks correct.
  const auto options_for = [](uint64_t seed, bool torn_writes) {
    SimOptions options = crash_run_options(seed);
    options.concurrency = 2;  // one reader and one writer on the same key
    options.rate_per_s = 500;
    options.time_limit_s = 60;
    options.torn_writes = torn_writes;
    return options;
  };
  const RegisterConfig broken{.ack_before_persist = true};
  std::optional<uint64_t> caught;
  for (uint64_t seed = 1; seed <= 10 && !caught; ++seed) {
    Probe probe;
    const RunOutcome run = run_register(options_for(seed, true), probe, broken);
    if (run.verdict.check.workload_validity == checker::Validity::kInvalid) caught = seed;
  }
  ASSERT_TRUE(caught.has_value()) << "acknowledging before persisting went unnoticed in 10 seeds";
  for (uint64_t seed = 1; seed <= *caught; ++seed) {
    Probe probe;
    const RunOutcome run = run_register(options_for(seed, false), probe, broken);
    EXPECT_EQ(run.verdict.check.workload_validity, checker::Validity::kValid)
        << run.report << run.verdict.replay;
  }
}

}  // namespace
}  // namespace eddy::sim
