// KafkaWorkload: Maelstrom's kafka clients in virtual time, and the run's
// phases (maelstrom core.clj, workload/kafka.clj; docs/maelstrom-semantics.md
// section 4):
//  init     each node gets `init` from a fresh client; all must answer
//  main     `concurrency` workers, worker t bound to node t mod N, take ops
//           from KafkaGenerator, staggered globally at 1/rate (gaps U[0, 2/rate)),
//           and crashes staggered at crash_interval_s / concurrency; no op
//           starts after time_limit_s; the nemesis runs meanwhile
//  recovery once every worker is idle: the nemesis heals, then recovery_s pass
//  final    every worker crashes its client, assigns every key seen from
//           offset 0, and polls (gaps U[0, 0.4 s)) until its own polls have
//           reached the highest offset known per key, for final_time_limit_s
//
// Each op is one RPC (poll: a poll, then a commit of what it returned;
// assign: list_committed_offsets) with a client timeout. A reply that is
// not the expected body, a timeout, or an indefinite error completes the op
// as :info and the worker continues as a new process with a new client.
// Eddy's client takes a definite error at its word (:fail, same process);
// Maelstrom's kafka client has no error handling and records every error as
// :info, which SimOptions can't yet select (see docs/simulator.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "checker/history.h"
#include "core/message.h"
#include "sim/init_handshake.h"
#include "sim/kafka/generator.h"
#include "sim/nemesis.h"
#include "sim/workload.h"
#include "sim/world.h"

namespace eddy::sim::kafka {

enum class Phase : uint8_t { kInit, kMain, kRecovery, kFinal, kDone };

class KafkaWorkload final : public Workload {
 public:
  KafkaWorkload(World& world, core::Rng rng, std::vector<std::string> node_names, Nemesis& nemesis);

  void start() override;
  void on_client_message(EndpointId client, core::Message&& message) override;
  void on_worker_event(const WorkerEvent& event) override;
  void on_client_timeout(const ClientTimeoutEvent& event) override;
  void on_nemesis_event() override;
  void on_phase_event() override;

  Phase phase() const { return phase_; }
  bool done() const override { return phase_ == Phase::kDone; }
  const std::string& abort_reason() const override { return abort_reason_; }
  size_t history_entries() const override { return history_.size(); }
  const checker::History& history() const { return history_.entries(); }
  // From now on, every op of the history goes to `feed` as it is recorded.
  void attach_feed(HistoryFeed<checker::Op>* feed) { history_.attach(feed); }
  // The whole history; an attached feed has seen every op first.
  checker::History take_history() { return history_.take(); }
  // Keys that some ok poll of the final phase asked for and read to the end
  // of (fewer records than a full page of limits.poll_msgs_per_key_max).
  const std::set<std::string>& final_read_to_end() const { return final_read_to_end_; }

 private:
  enum class Step : uint8_t { kIdle, kSend, kPoll, kCommit, kListCommitted, kInit };

  struct Worker {
    int index = 0;
    std::string node;
    std::optional<EndpointId> node_endpoint;  // the node's, looked up once
    int64_t process = 0;
    std::string client;
    EndpointId endpoint = 0;
    int64_t next_msg_id = 1;
    // Assigned key -> next offset to poll, sorted by key (the order a poll
    // names them in): a flat map, as a poll copies it whole into its request.
    core::KeyOffsets offsets;
    Step step = Step::kIdle;
    int64_t awaiting = 0;      // msg_id of the outstanding request
    uint64_t call_serial = 0;  // tells a stale timeout from a live one
    checker::Op op;            // the op in flight (its invocation, then its completion)
    std::vector<std::string> assign_keys;
    // Final phase.
    std::map<std::string, int64_t> targets;
    TimeUs last_emit_us = 0;
    bool final_done = false;
  };

  // --- phases ---
  void begin_main();
  void maybe_end_main();
  void begin_final();
  void maybe_finish();
  bool all_idle() const;

  // --- ops ---
  void dispatch();
  void start_op(Worker& worker, const KafkaOp& op);
  void start_final_poll(Worker& worker);
  void call(Worker& worker, Step step, core::Body body);
  void complete(Worker& worker, checker::OpType type, std::string error = {});
  void on_reply(Worker& worker, core::Message& reply);
  void on_poll_ok(Worker& worker, core::PollOkBody& poll_ok);
  // Records, for a poll about to complete ok in the final phase, the keys it
  // read to the end of (final_read_to_end).
  void note_final_read(const Worker& worker);
  // Appends `op` to the history, stamped with its index and the time; returns
  // it there, for the caller to finish before anything else is recorded.
  // A const op is copied straight into the history.
  template <class Op>
  checker::Op& record(Op&& op);
  void open_client(Worker& worker);

  World& world_;
  core::Rng rng_;
  std::vector<std::string> node_names_;
  Nemesis& nemesis_;
  KafkaGenerator generator_;
  int64_t timeout_ms_;  // a call's (client_timeout_ms), read once
  Phase phase_ = Phase::kInit;
  std::string abort_reason_;
  RecordedHistory<checker::Op> history_;

  std::vector<Worker> workers_;
  std::vector<int> worker_of_endpoint_;  // -1: not a worker's client
  int64_t next_client_id_ = 0;
  uint64_t next_call_serial_ = 1;
  InitHandshake init_;

  // main phase: the global stagger of ops and of crashes
  TimeUs main_start_us_ = 0;
  TimeUs cutoff_us_ = 0;
  TimeUs next_op_due_us_ = 0;
  TimeUs next_crash_due_us_ = 0;
  DispatchTimer dispatch_timer_{world_};
  size_t next_worker_ = 0;  // where the search for a free worker starts
  bool emitting_ = true;

  // final phase
  TimeUs final_deadline_us_ = 0;
  std::set<std::string> final_read_to_end_;
};

}  // namespace eddy::sim::kafka
