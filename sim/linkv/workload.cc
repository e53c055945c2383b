#include "sim/linkv/workload.h"

#include <algorithm>
#include <utility>

#include "core/error_code.h"

namespace eddy::sim::linkv {
namespace {

TimeUs seconds_to_us(double seconds) { return static_cast<TimeUs>(seconds * 1e6); }

core::Body request_body(const LinKvRequest& request) {
  const core::Value key(request.key);
  switch (request.f) {
    case checker::LinKvF::kRead:
      return core::KvReadBody{key};
    case checker::LinKvF::kWrite:
      return core::KvWriteBody{key, core::Value(request.value)};
    case checker::LinKvF::kCas:
    case checker::LinKvF::kNemesis:
      break;
  }
  return core::KvCasBody{key, core::Value(request.from), core::Value(request.to), false};
}

}  // namespace

LinKvWorkload::LinKvWorkload(World& world, core::Rng rng, std::vector<std::string> node_names,
                             Nemesis& nemesis)
    : world_(world),
      rng_(rng.stream("stagger")),
      node_names_(std::move(node_names)),
      nemesis_(nemesis),
      init_(world, node_names_, next_client_id_),
      generator_(static_cast<int>(node_names_.size()), world.options.concurrency,
                 world.options.process_limit, rng.stream("ops")),
      timeout_ms_(client_timeout_ms(world.options)) {}

void LinKvWorkload::start() { init_.start(); }

// --- phases -----------------------------------------------------------------------

void LinKvWorkload::begin_main() {
  phase_ = Phase::kMain;
  cutoff_us_ = world_.now_us + seconds_to_us(world_.options.time_limit_s);
  next_op_due_us_ = world_.now_us;  // jepsen's stagger emits its first op at once
  emitting_ = world_.options.rate_per_s > 0;
  reserve_history(history_, world_.options);
  for (int t = 0; t < world_.options.concurrency; ++t) {
    Worker worker;
    worker.index = t;
    worker.node = node_names_[static_cast<size_t>(t) % node_names_.size()];
    worker.node_endpoint = world_.network.find(worker.node);
    worker.process = t;
    worker.client = "c" + std::to_string(next_client_id_++);
    worker.endpoint = world_.network.add_endpoint(worker.client, EndpointKind::kClient);
    worker_of_endpoint_.resize(worker.endpoint + 1, -1);
    worker_of_endpoint_[worker.endpoint] = t;
    workers_.push_back(std::move(worker));
  }
  nemesis_.begin(world_.now_us);
  world_.at(cutoff_us_, PhaseEvent{});
  dispatch();
}

void LinKvWorkload::maybe_finish() {
  if (phase_ != Phase::kMain || world_.now_us < cutoff_us_) return;
  if (std::any_of(workers_.begin(), workers_.end(), [](const Worker& w) { return w.busy; })) return;
  // maelstrom core.clj: lin-kv has no final generator, so no final heal and
  // no recovery; the test ends when the last op completes.
  phase_ = Phase::kDone;
}

void LinKvWorkload::on_phase_event() { maybe_finish(); }

void LinKvWorkload::on_nemesis_event() {
  if (phase_ != Phase::kMain) return;
  std::optional<std::string> what = nemesis_.on_event(cutoff_us_);
  if (!what) return;
  checker::LinKvOp op;
  op.process = checker::kNemesisProcess;
  op.type = checker::OpType::kInfo;
  op.f = checker::LinKvF::kNemesis;
  op.nemesis = std::move(*what);
  record(std::move(op));
}

// --- the dispatcher ---------------------------------------------------------------

void LinKvWorkload::dispatch() {
  if (phase_ != Phase::kMain) return;
  while (emitting_) {
    if (next_op_due_us_ > world_.now_us) {
      dispatch_timer_.wake_at(next_op_due_us_);
      return;
    }
    if (world_.now_us >= cutoff_us_) {
      emitting_ = false;  // jepsen time-limit: nothing is emitted past the cutoff
      break;
    }
    std::vector<bool> free(workers_.size());
    std::vector<int64_t> processes(workers_.size());
    for (size_t t = 0; t < workers_.size(); ++t) {
      free[t] = !workers_[t].busy;
      processes[t] = workers_[t].process;
    }
    const std::optional<LinKvGenerator::Pick> pick = generator_.next(free, processes, rotation_);
    if (!pick) return;  // every thread is busy: the next completion dispatches again
    const double span_us = 2e6 / world_.options.rate_per_s;
    next_op_due_us_ =
        world_.now_us +
        static_cast<TimeUs>(rng_.below(static_cast<uint64_t>(std::max(1.0, span_us))));
    rotation_ = static_cast<size_t>(pick->thread) + 1;
    start_op(workers_[static_cast<size_t>(pick->thread)], pick->request);
  }
  maybe_finish();
}

void LinKvWorkload::on_worker_event(const WorkerEvent& event) {
  if (event.worker >= 0) return;
  dispatch_timer_.on_wake();
  dispatch();
}

// --- ops --------------------------------------------------------------------------

checker::LinKvOp& LinKvWorkload::record(checker::LinKvOp&& op) {
  checker::LinKvOp& recorded = history_.append(std::move(op));
  recorded.index = static_cast<int64_t>(history_.size()) - 1;
  recorded.time_us = world_.now_us;
  return recorded;
}

void LinKvWorkload::start_op(Worker& worker, const LinKvRequest& request) {
  // Written in place in the history, then copied once for the worker.
  checker::LinKvOp& invocation = record(checker::LinKvOp{});
  invocation.process = worker.process;
  invocation.type = checker::OpType::kInvoke;
  invocation.f = request.f;
  invocation.key = core::Value(request.key);
  if (request.f == checker::LinKvF::kWrite) invocation.value = core::Value(request.value);
  if (request.f == checker::LinKvF::kCas) {
    invocation.from = core::Value(request.from);
    invocation.to = core::Value(request.to);
  }
  invocation.node = worker.node;
  invocation.client = worker.client;
  worker.op = invocation;
  worker.busy = true;
  worker.awaiting = worker.next_msg_id++;
  worker.call_serial = next_call_serial_++;
  world_.network.send(world_.now_us,
                      core::Message{worker.client, worker.node, worker.awaiting, std::nullopt,
                                    request_body(request)},
                      worker.endpoint, worker.node_endpoint);
  world_.client_timeouts.arm(world_.now_us, timeout_ms_ * 1000, worker.index, worker.call_serial);
}

void LinKvWorkload::complete(Worker& worker, checker::OpType type, std::string error,
                             int32_t error_code) {
  // The op in flight is done with once recorded: moved, not copied.
  checker::LinKvOp& completion = record(std::move(worker.op));
  completion.type = type;
  completion.error = std::move(error);
  completion.error_code = error_code;
  worker.busy = false;
  worker.awaiting = 0;
  // jepsen interpreter: an indeterminate op crashes the process; the thread
  // goes on as process p + concurrency (with the same client: lin-kv's
  // client is reusable).
  if (type == checker::OpType::kInfo) worker.process += static_cast<int64_t>(workers_.size());
  dispatch();
}

void LinKvWorkload::on_client_timeout(const ClientTimeoutEvent& event) {
  if (InitHandshake::is_init_timeout(event)) {
    if (phase_ == Phase::kInit && init_.on_timeout(event) == InitHandshake::Outcome::kFailed) {
      abort_reason_ = init_.failure();
      phase_ = Phase::kDone;
    }
    return;
  }
  Worker& worker = workers_[static_cast<size_t>(event.worker)];
  if (worker.busy && worker.call_serial == event.call_serial) {
    // client.clj with-errors: a timeout fails an idempotent op (read) and
    // leaves the others indeterminate. Maelstrom writes :error :net-timeout.
    const bool read = worker.op.f == checker::LinKvF::kRead;
    complete(worker, read ? checker::OpType::kFail : checker::OpType::kInfo, "net-timeout");
  }
  world_.client_timeouts.ran(worker.index, worker.busy ? worker.call_serial : 0);
}

void LinKvWorkload::on_client_message(EndpointId client, core::Message&& message) {
  if (phase_ == Phase::kInit) {
    switch (init_.on_client_message(client, message)) {
      case InitHandshake::Outcome::kPending:
        return;
      case InitHandshake::Outcome::kAllAnswered:
        return begin_main();
      case InitHandshake::Outcome::kFailed:
        abort_reason_ = init_.failure();
        phase_ = Phase::kDone;
        return;
    }
    return;
  }
  if (client >= worker_of_endpoint_.size() || worker_of_endpoint_[client] < 0) return;
  Worker& worker = workers_[static_cast<size_t>(worker_of_endpoint_[client])];
  // client.clj: a reply to an earlier request is dropped; the client waits on.
  if (!worker.busy || message.in_reply_to != worker.awaiting) return;
  on_reply(worker, message);
}

void LinKvWorkload::on_reply(Worker& worker, core::Message& reply) {
  const checker::LinKvF f = worker.op.f;
  if (const auto* error = std::get_if<core::ErrorBody>(&reply.body)) {
    // client.clj with-errors: definite errors, and any error of a read, fail.
    const bool fails = core::is_definite(error->code) || f == checker::LinKvF::kRead;
    complete(worker, fails ? checker::OpType::kFail : checker::OpType::kInfo,
             std::string(core::error_name(error->code)) + ": " + error->text, error->code);
    return;
  }
  const bool expected =
      (f == checker::LinKvF::kRead && std::holds_alternative<core::KvReadOkBody>(reply.body)) ||
      (f == checker::LinKvF::kWrite && std::holds_alternative<core::KvWriteOkBody>(reply.body)) ||
      (f == checker::LinKvF::kCas && std::holds_alternative<core::KvCasOkBody>(reply.body));
  if (!expected) {
    complete(worker, checker::OpType::kInfo,
             "indeterminate: malformed response " + std::string(core::body_type(reply.body)) +
                 " to " + std::string(checker::to_string(f)));
    return;
  }
  if (auto* read_ok = std::get_if<core::KvReadOkBody>(&reply.body)) {
    worker.op.value = std::move(read_ok->value);
  }
  complete(worker, checker::OpType::kOk, "");
}

}  // namespace eddy::sim::linkv
