// LinKvWorkload: Maelstrom's lin-kv clients in virtual time (maelstrom
// workload/lin_kv.clj and core.clj; docs/maelstrom-semantics.md section 7):
//  init  each node gets `init` from a fresh client; all must answer
//  main  `concurrency` worker threads, thread t bound to node t mod N with one
//        client for the whole run (the lin-kv client is reusable), take ops
//        from LinKvGenerator, staggered globally at 1/rate (gaps
//        U[0, 2/rate)); no op starts after time_limit_s; the nemesis runs
//        meanwhile. There is no final phase and no final heal: the run ends
//        when the last op in flight completes.
//
// Each op is one RPC with the client timeout, max(10 x mean latency, 1000)
// ms. Outcomes follow maelstrom client.clj's `with-errors` with `read` as the
// idempotent f: a timeout fails a read and leaves a write or cas :info; an
// error reply fails the op if its code is definite (or the op is a read),
// else leaves it :info; a reply of the wrong type (a malformed response) is
// :info, as jepsen's interpreter records any exception. After an :info the
// thread goes on as process p + concurrency.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checker/linkv_history.h"
#include "core/message.h"
#include "sim/init_handshake.h"
#include "sim/linkv/generator.h"
#include "sim/nemesis.h"
#include "sim/workload.h"
#include "sim/world.h"

namespace eddy::sim::linkv {

class LinKvWorkload final : public Workload {
 public:
  LinKvWorkload(World& world, core::Rng rng, std::vector<std::string> node_names, Nemesis& nemesis);

  void start() override;
  void on_client_message(EndpointId client, core::Message&& message) override;
  void on_worker_event(const WorkerEvent& event) override;
  void on_client_timeout(const ClientTimeoutEvent& event) override;
  void on_nemesis_event() override;
  void on_phase_event() override;

  bool done() const override { return phase_ == Phase::kDone; }
  const std::string& abort_reason() const override { return abort_reason_; }
  size_t history_entries() const override { return history_.size(); }
  const checker::LinKvHistory& history() const { return history_.entries(); }
  // From now on, every op of the history goes to `feed` as it is recorded.
  void attach_feed(HistoryFeed<checker::LinKvOp>* feed) { history_.attach(feed); }
  // The whole history; an attached feed has seen every op first.
  checker::LinKvHistory take_history() { return history_.take(); }

 private:
  enum class Phase : uint8_t { kInit, kMain, kDone };

  struct Worker {
    int index = 0;
    std::string node;
    std::optional<EndpointId> node_endpoint;  // the node's, looked up once
    int64_t process = 0;
    std::string client;
    EndpointId endpoint = 0;
    int64_t next_msg_id = 1;
    bool busy = false;
    int64_t awaiting = 0;      // msg_id of the outstanding request
    uint64_t call_serial = 0;  // tells a stale timeout from a live one
    checker::LinKvOp op;       // the op in flight (its invocation)
  };

  void begin_main();
  void maybe_finish();
  void dispatch();
  void start_op(Worker& worker, const LinKvRequest& request);
  void complete(Worker& worker, checker::OpType type, std::string error, int32_t error_code = 0);
  void on_reply(Worker& worker, core::Message& reply);
  // Appends `op` to the history, stamped with its index and the time; returns
  // it there, for the caller to finish before anything else is recorded.
  checker::LinKvOp& record(checker::LinKvOp&& op);

  World& world_;
  core::Rng rng_;
  std::vector<std::string> node_names_;
  Nemesis& nemesis_;
  int64_t next_client_id_ = 0;
  InitHandshake init_;
  LinKvGenerator generator_;
  Phase phase_ = Phase::kInit;
  std::string abort_reason_;
  RecordedHistory<checker::LinKvOp> history_;
  int64_t timeout_ms_;

  std::vector<Worker> workers_;
  std::vector<int> worker_of_endpoint_;  // -1: not a worker's client
  uint64_t next_call_serial_ = 1;

  TimeUs cutoff_us_ = 0;
  TimeUs next_op_due_us_ = 0;
  DispatchTimer dispatch_timer_{world_};
  size_t rotation_ = 0;  // where the search for a free thread starts
  bool emitting_ = true;
};

}  // namespace eddy::sim::linkv
