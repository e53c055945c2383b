#include "sim/kafka/workload.h"

#include <algorithm>
#include <utility>

#include "core/error_code.h"
#include "core/overloaded.h"
#include "sim/kafka/key_offsets.h"

namespace eddy::sim::kafka {
namespace {

constexpr TimeUs kFinalPollGapUs = 400'000;  // stagger 1/5 s: gaps U[0, 0.4 s)

TimeUs seconds_to_us(double seconds) { return static_cast<TimeUs>(seconds * 1e6); }

std::string error_text(const core::ErrorBody& error) {
  return "error " + std::to_string(error.code) + " (" + std::string(core::error_name(error.code)) +
         "): " + error.text;
}

}  // namespace

KafkaWorkload::KafkaWorkload(World& world, core::Rng rng, std::vector<std::string> node_names,
                             Nemesis& nemesis)
    : world_(world),
      rng_(rng.stream("stagger")),
      node_names_(std::move(node_names)),
      nemesis_(nemesis),
      generator_(world.options, rng.stream("ops")),
      timeout_ms_(client_timeout_ms(world.options)),
      init_(world, node_names_, next_client_id_) {}

void KafkaWorkload::start() { init_.start(); }

// --- phases -----------------------------------------------------------------------

void KafkaWorkload::begin_main() {
  phase_ = Phase::kMain;
  main_start_us_ = world_.now_us;
  cutoff_us_ = main_start_us_ + seconds_to_us(world_.options.time_limit_s);
  next_op_due_us_ = main_start_us_;
  next_crash_due_us_ = main_start_us_;  // jepsen's stagger emits its first op at once
  emitting_ = world_.options.rate_per_s > 0;
  reserve_history(history_, world_.options);
  const int concurrency = std::max(1, world_.options.concurrency);
  for (int t = 0; t < concurrency; ++t) {
    Worker worker;
    worker.index = t;
    worker.node = node_names_[static_cast<size_t>(t) % node_names_.size()];
    worker.node_endpoint = world_.network.find(worker.node);
    worker.process = t;
    workers_.push_back(std::move(worker));
    open_client(workers_.back());
  }
  nemesis_.begin(main_start_us_);
  world_.at(cutoff_us_, PhaseEvent{});
  dispatch();
}

bool KafkaWorkload::all_idle() const {
  return std::all_of(workers_.begin(), workers_.end(),
                     [](const Worker& w) { return w.step == Step::kIdle; });
}

void KafkaWorkload::maybe_end_main() {
  if (phase_ != Phase::kMain || world_.now_us < cutoff_us_ || !all_idle()) return;
  phase_ = Phase::kRecovery;
  if (nemesis_.enabled()) {
    checker::Op op;
    op.process = checker::kNemesisProcess;
    op.type = checker::OpType::kInfo;
    op.f = checker::OpF::kNemesis;
    op.nemesis = nemesis_.heal();
    record(std::move(op));
  }
  world_.at(world_.now_us + seconds_to_us(world_.options.recovery_s), PhaseEvent{});
}

void KafkaWorkload::begin_final() {
  phase_ = Phase::kFinal;
  final_deadline_us_ = world_.now_us + seconds_to_us(world_.options.final_time_limit_s);
  const std::map<std::string, int64_t> max_offsets = generator_.max_offsets();
  std::vector<std::string> keys;
  for (const auto& [key, offset] : max_offsets) keys.push_back(key);
  for (Worker& worker : workers_) {
    worker.targets = max_offsets;
    // Each thread first crashes its client, then assigns every key from 0.
    KafkaOp crash;
    crash.f = checker::OpF::kCrash;
    start_op(worker, crash);
    KafkaOp assign;
    assign.f = checker::OpF::kAssign;
    assign.keys = keys;
    assign.seek_to_beginning = true;
    start_op(worker, assign);
    worker.final_done = worker.targets.empty();
    if (!worker.final_done) start_final_poll(worker);
  }
  world_.at(final_deadline_us_, PhaseEvent{});
  maybe_finish();
}

void KafkaWorkload::maybe_finish() {
  if (phase_ != Phase::kFinal || !all_idle()) return;
  const bool everyone_done =
      std::all_of(workers_.begin(), workers_.end(), [](const Worker& w) { return w.final_done; });
  if (everyone_done || world_.now_us >= final_deadline_us_) phase_ = Phase::kDone;
}

void KafkaWorkload::on_phase_event() {
  switch (phase_) {
    case Phase::kMain:
      maybe_end_main();
      return;
    case Phase::kRecovery:
      begin_final();
      return;
    case Phase::kFinal:
      maybe_finish();
      return;
    case Phase::kInit:
    case Phase::kDone:
      return;
  }
}

void KafkaWorkload::on_nemesis_event() {
  if (phase_ != Phase::kMain) return;
  std::optional<std::string> what = nemesis_.on_event(cutoff_us_);
  if (!what) return;
  checker::Op op;
  op.process = checker::kNemesisProcess;
  op.type = checker::OpType::kInfo;
  op.f = checker::OpF::kNemesis;
  op.nemesis = std::move(*what);
  record(std::move(op));
}

// --- the main phase's dispatcher ----------------------------------------------------

void KafkaWorkload::dispatch() {
  if (phase_ != Phase::kMain) return;
  while (emitting_) {
    // jepsen generator/context.clj: the search for a free thread starts after
    // the last one given an op, so ops rotate evenly through the threads.
    Worker* free = nullptr;
    for (size_t i = 0; i < workers_.size() && free == nullptr; ++i) {
      Worker& candidate = workers_[(next_worker_ + i) % workers_.size()];
      if (candidate.step == Step::kIdle) free = &candidate;
    }
    if (free == nullptr) return;  // the next completion dispatches again
    // gen/any: whichever of the op and crash generators is due first.
    const bool crash_first = next_crash_due_us_ <= next_op_due_us_;
    const TimeUs due = crash_first ? next_crash_due_us_ : next_op_due_us_;
    if (due > world_.now_us) {
      dispatch_timer_.wake_at(due);
      return;
    }
    if (world_.now_us >= cutoff_us_) {
      emitting_ = false;  // jepsen time-limit: nothing is emitted past the cutoff
      break;
    }
    KafkaOp op;
    if (crash_first) {
      op.f = checker::OpF::kCrash;
      const double span_s =
          2 * world_.options.crash_interval_s / static_cast<double>(workers_.size());
      next_crash_due_us_ =
          world_.now_us +
          static_cast<TimeUs>(rng_.below(static_cast<uint64_t>(std::max(1.0, span_s * 1e6))));
    } else {
      op = generator_.next();
      const double span_us = 2e6 / world_.options.rate_per_s;
      next_op_due_us_ =
          world_.now_us +
          static_cast<TimeUs>(rng_.below(static_cast<uint64_t>(std::max(1.0, span_us))));
    }
    next_worker_ = (static_cast<size_t>(free->index) + 1) % workers_.size();
    start_op(*free, op);
  }
  maybe_end_main();
}

void KafkaWorkload::on_worker_event(const WorkerEvent& event) {
  if (event.worker < 0) {
    dispatch_timer_.on_wake();
    dispatch();
    return;
  }
  Worker& worker = workers_[static_cast<size_t>(event.worker)];
  if (phase_ == Phase::kFinal && worker.step == Step::kIdle && !worker.final_done) {
    start_final_poll(worker);
  }
}

// --- ops --------------------------------------------------------------------------

void KafkaWorkload::open_client(Worker& worker) {
  worker.client = "c" + std::to_string(next_client_id_++);
  worker.endpoint = world_.network.add_endpoint(worker.client, EndpointKind::kClient);
  worker_of_endpoint_.resize(worker.endpoint + 1, -1);
  worker_of_endpoint_[worker.endpoint] = worker.index;
  worker.next_msg_id = 1;
  worker.offsets.clear();
}

template <class Op>
checker::Op& KafkaWorkload::record(Op&& op) {
  checker::Op& recorded = history_.append(std::forward<Op>(op));
  recorded.index = static_cast<int64_t>(history_.size()) - 1;
  recorded.time_us = world_.now_us;
  return recorded;
}

void KafkaWorkload::start_op(Worker& worker, const KafkaOp& op) {
  // The op in flight is built in the worker (the last one was moved into the
  // history) and copied once into the history as its invocation: copying
  // into a fresh entry costs less than assigning over a used one.
  checker::Op& pending = worker.op;
  pending = checker::Op{};
  pending.process = worker.process;
  pending.type = checker::OpType::kInvoke;
  pending.f = op.f;
  pending.key = op.key;
  pending.value = op.value;
  pending.keys = op.keys;
  pending.seek_to_beginning = op.seek_to_beginning;
  pending.node = worker.node;
  pending.client = worker.client;
  record(std::as_const(pending));
  worker.last_emit_us = world_.now_us;

  switch (op.f) {
    case checker::OpF::kSend:
      call(worker, Step::kSend, core::SendBody{op.key, core::Value(op.value)});
      return;
    case checker::OpF::kPoll: {
      call(worker, Step::kPoll, core::PollBody{worker.offsets});
      return;
    }
    case checker::OpF::kAssign:
      if (op.seek_to_beginning) {
        worker.offsets.clear();
        for (const std::string& key : op.keys)
          try_emplace_offset(worker.offsets, key, 0).first->second = 0;
        worker.step = Step::kListCommitted;  // so that complete() sees a busy worker
        complete(worker, checker::OpType::kOk);
        return;
      }
      worker.assign_keys = op.keys;
      call(worker, Step::kListCommitted, core::ListCommittedOffsetsBody{op.keys});
      return;
    case checker::OpF::kCrash:
      worker.step = Step::kListCommitted;
      complete(worker, checker::OpType::kInfo, "crash");
      return;
    case checker::OpF::kNemesis:
      return;
  }
}

void KafkaWorkload::start_final_poll(Worker& worker) {
  if (world_.now_us >= final_deadline_us_) {
    maybe_finish();
    return;
  }
  KafkaOp poll;
  poll.f = checker::OpF::kPoll;
  start_op(worker, poll);
}

void KafkaWorkload::call(Worker& worker, Step step, core::Body body) {
  worker.step = step;
  worker.awaiting = worker.next_msg_id++;
  worker.call_serial = next_call_serial_++;
  world_.network.send(
      world_.now_us,
      core::Message{worker.client, worker.node, worker.awaiting, std::nullopt, std::move(body)},
      worker.endpoint, worker.node_endpoint);
  world_.client_timeouts.arm(world_.now_us, timeout_ms_ * 1000, worker.index, worker.call_serial);
}

void KafkaWorkload::complete(Worker& worker, checker::OpType type, std::string error) {
  // The op in flight is done with once recorded: moved, not copied.
  checker::Op& completion = record(std::move(worker.op));
  const checker::OpF f = completion.f;
  completion.type = type;
  completion.error = std::move(error);
  if (type != checker::OpType::kOk) {
    completion.offset.reset();
    completion.polled.clear();
    completion.committed.reset();
  }
  worker.step = Step::kIdle;
  worker.awaiting = 0;
  if (type == checker::OpType::kInfo) {
    // jepsen interpreter: an indeterminate op crashes the process; the thread
    // goes on as process p + concurrency with a fresh client.
    world_.network.close_endpoint(worker.endpoint);
    worker_of_endpoint_[worker.endpoint] = -1;
    worker.process += static_cast<int64_t>(workers_.size());
    open_client(worker);
  }
  if (phase_ == Phase::kMain) {
    dispatch();
  } else if (phase_ == Phase::kFinal) {
    if (!worker.final_done && f == checker::OpF::kPoll) {
      const TimeUs gap = static_cast<TimeUs>(rng_.below(kFinalPollGapUs));
      world_.at(std::max(world_.now_us, worker.last_emit_us + gap), WorkerEvent{worker.index});
    }
    maybe_finish();
  }
}

void KafkaWorkload::on_client_timeout(const ClientTimeoutEvent& event) {
  if (InitHandshake::is_init_timeout(event)) {
    if (phase_ == Phase::kInit && init_.on_timeout(event) == InitHandshake::Outcome::kFailed) {
      abort_reason_ = init_.failure();
      phase_ = Phase::kDone;
    }
    return;
  }
  Worker& worker = workers_[static_cast<size_t>(event.worker)];
  if (worker.step != Step::kIdle && worker.call_serial == event.call_serial) {
    complete(worker, checker::OpType::kInfo,
             "indeterminate: timed out after " + std::to_string(timeout_ms_) + " ms");
  }
  world_.client_timeouts.ran(worker.index, worker.step != Step::kIdle ? worker.call_serial : 0);
}

void KafkaWorkload::on_client_message(EndpointId client, core::Message&& message) {
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
  // client.clj: a reply to an earlier request (its msg_id is not the awaited
  // one) is dropped, and the client keeps waiting.
  if (worker.step == Step::kIdle || message.in_reply_to != worker.awaiting) return;
  on_reply(worker, message);
}

void KafkaWorkload::on_reply(Worker& worker, core::Message& reply) {
  if (auto* error = std::get_if<core::ErrorBody>(&reply.body)) {
    // A definite error promises the op did not happen; anything else leaves
    // it open. A commit error after a successful poll fails the poll op, but
    // the poll itself happened, so only an indeterminate outcome is honest.
    const bool definite = core::is_definite(error->code) && worker.step != Step::kCommit;
    complete(worker, definite ? checker::OpType::kFail : checker::OpType::kInfo,
             (definite ? "" : "indeterminate: ") + error_text(*error));
    return;
  }
  const auto malformed = [&] {
    complete(worker, checker::OpType::kInfo,
             "indeterminate: malformed response " + std::string(core::body_type(reply.body)) +
                 " to " + std::string(checker::to_string(worker.op.f)));
  };
  switch (worker.step) {
    case Step::kSend:
      if (auto* ok = std::get_if<core::SendOkBody>(&reply.body)) {
        worker.op.offset = ok->offset;
        generator_.on_ok_send(worker.op.key, ok->offset);
        complete(worker, checker::OpType::kOk);
        return;
      }
      return malformed();
    case Step::kPoll:
      if (auto* ok = std::get_if<core::PollOkBody>(&reply.body)) return on_poll_ok(worker, *ok);
      return malformed();
    case Step::kCommit:
      if (std::holds_alternative<core::CommitOffsetsOkBody>(reply.body)) {
        generator_.on_ok_poll(worker.op.polled);
        if (phase_ == Phase::kFinal) {
          for (const checker::PolledKey& key : worker.op.polled) {
            const auto target = worker.targets.find(key.key.str());
            if (target == worker.targets.end()) continue;
            for (const checker::PolledRecord& record : key.records) {
              if (record.offset >= target->second) {
                worker.targets.erase(target);
                break;
              }
            }
          }
          worker.final_done = worker.targets.empty();
        }
        note_final_read(worker);
        complete(worker, checker::OpType::kOk);
        return;
      }
      return malformed();
    case Step::kListCommitted:
      if (auto* ok = std::get_if<core::ListCommittedOffsetsOkBody>(&reply.body)) {
        // The history keeps the answer sorted; offsets are looked up there.
        const core::KeyOffsets& committed = worker.op.committed.emplace(ok->offsets);
        std::sort(worker.op.committed->begin(), worker.op.committed->end());
        core::KeyOffsets offsets;
        for (const std::string& key : worker.assign_keys) {
          int64_t& offset = try_emplace_offset(offsets, key, 0).first->second;
          if (const auto kept = find_offset(worker.offsets, key); kept != worker.offsets.end()) {
            offset = kept->second;
          } else if (const auto c = listed_offset(committed, ok->offsets, key);
                     c && !world_.options.maelstrom_assign_bug) {
            offset = *c;  // resume at the committed message, re-reading it
          }
        }
        worker.offsets = std::move(offsets);
        complete(worker, checker::OpType::kOk);
        return;
      }
      return malformed();
    case Step::kIdle:
    case Step::kInit:
      return;
  }
}

void KafkaWorkload::note_final_read(const Worker& worker) {
  if (phase_ != Phase::kFinal) return;
  // A key asked for and answered with less than a full page: this poll,
  // now ok, read to the end of its log.
  const auto page = static_cast<size_t>(world_.options.limits.poll_msgs_per_key_max);
  // The answered keys, sorted (stably: a key answered twice is judged by its
  // first answer), so a final poll naming thousands of keys costs a search
  // per key rather than a scan.
  std::vector<std::pair<std::string_view, bool>> answered;  // key, a full page
  answered.reserve(worker.op.polled.size());
  for (const checker::PolledKey& polled : worker.op.polled) {
    answered.emplace_back(polled.key, polled.records.size() >= page);
  }
  const auto by_key = [](const auto& a, const auto& b) {
    return core::StringLess{}(a.first, b.first);
  };
  // Usually sorted already: a reply lists its keys in the order the poll asked.
  if (!std::is_sorted(answered.begin(), answered.end(), by_key)) {
    std::stable_sort(answered.begin(), answered.end(), by_key);
  }
  // The worker's offsets, the answers and the keys read to the end are all
  // sorted by key: one merging walk through the three.
  auto answer = answered.begin();
  auto known = final_read_to_end_.begin();
  const core::StringLess less;
  for (const auto& [key, offset] : worker.offsets) {
    while (answer != answered.end() && less(answer->first, key)) ++answer;
    if (answer != answered.end() && core::StringEqual{}(answer->first, key) && answer->second) {
      continue;
    }
    while (known != final_read_to_end_.end() && less(*known, key)) ++known;
    if (known == final_read_to_end_.end() || !core::StringEqual{}(*known, key)) {
      known = final_read_to_end_.emplace_hint(known, key);
    }
  }
}

void KafkaWorkload::on_poll_ok(Worker& worker, core::PollOkBody& poll_ok) {
  core::KeyOffsets commits;
  worker.op.polled.clear();
  // Reserved whole: grown key by key, a reply of k keys allocated about
  // log2(k) arrays and kept the last one's slack in the history.
  worker.op.polled.reserve(poll_ok.msgs.size());
  AscendingOffsets offsets(worker.offsets);
  for (auto& [key, records] : poll_ok.msgs) {
    checker::PolledKey polled{key, {}};
    polled.records.reserve(records.size());
    int64_t next = 0;  // an empty list counts as offset -1
    for (const core::Record& record : records) {
      polled.records.push_back(checker::PolledRecord{
          record.offset,
          record.msg.is_integer() ? record.msg.integer() : checker::kNonIntegerValue});
      next = std::max(next, record.offset + 1);
    }
    auto [it, inserted] = offsets.try_emplace(key, next);
    if (!inserted) it->second = std::max(it->second, next);
    if (!records.empty()) commits.emplace_back(key, next - 1);
    worker.op.polled.push_back(std::move(polled));
  }
  if (commits.empty()) {
    generator_.on_ok_poll(worker.op.polled);
    if (phase_ == Phase::kFinal) worker.final_done = worker.targets.empty();
    note_final_read(worker);
    complete(worker, checker::OpType::kOk);
    return;
  }
  call(worker, Step::kCommit, core::CommitOffsetsBody{std::move(commits)});
}

}  // namespace eddy::sim::kafka
