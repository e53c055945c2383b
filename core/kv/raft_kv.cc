#include "core/kv/raft_kv.h"

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/error_code.h"
#include "core/invariant.h"
#include "core/kafka/local_service.h"
#include "core/kv/proxy.h"
#include "core/overloaded.h"

namespace eddy::core::kv {
namespace {

constexpr int32_t kTemporarilyUnavailable =
    static_cast<int32_t>(ErrorCode::kTemporarilyUnavailable);

// The request without its body: what answering it needs.
Message envelope_of(const Message& request) {
  return Message{request.src, request.dest, request.msg_id, std::nullopt, UnknownBody{}};
}

// Reads change nothing: they are served by ReadIndex, never through the log.
bool is_read(const Body& body) {
  return std::holds_alternative<KvReadBody>(body) || std::holds_alternative<PollBody>(body) ||
         std::holds_alternative<ListCommittedOffsetsBody>(body);
}

// The origin fields of a request that changes state (write, cas, send,
// commit_offsets), which a forward fills in; nullopt for a read.
struct OriginFields {
  std::string* origin;
  int64_t* msg_id;
};
std::optional<OriginFields> origin_fields(Body& body) {
  return std::visit(Overloaded{
                        [](KvWriteBody& b) -> std::optional<OriginFields> {
                          return OriginFields{&b.origin, &b.origin_msg_id};
                        },
                        [](KvCasBody& b) -> std::optional<OriginFields> {
                          return OriginFields{&b.origin, &b.origin_msg_id};
                        },
                        [](SendBody& b) -> std::optional<OriginFields> {
                          return OriginFields{&b.origin, &b.origin_msg_id};
                        },
                        [](CommitOffsetsBody& b) -> std::optional<OriginFields> {
                          return OriginFields{&b.origin, &b.origin_msg_id};
                        },
                        [](auto&) -> std::optional<OriginFields> { return std::nullopt; },
                    },
                    body);
}

// The log command of a request that changes state, naming it by `id`.
Value encode_command(const Body& body, const std::pair<std::string, int64_t>& id) {
  return std::visit(
      Overloaded{
          [&](const KvWriteBody& b) { return encode_write(b, id.first, id.second); },
          [&](const KvCasBody& b) { return encode_cas(b, id.first, id.second); },
          [&](const SendBody& b) { return kafka::encode_send(b, id.first, id.second); },
          [&](const CommitOffsetsBody& b) { return kafka::encode_commit(b, id.first, id.second); },
          [](const auto&) -> Value {
            EDDY_INVARIANT(false, "only a write, cas, send or commit is proposed");
            return Value();
          },
      },
      body);
}

}  // namespace

void RaftKv::restore(const Persisted& persisted) { restored_ = persisted; }

void RaftKv::on_init(Context& ctx) {
  raft::RaftConfig config;
  config.self = ctx.node_id();
  config.peers = ctx.node_ids();
  config.election_timeout_ms = options_.election_timeout_ms;
  config.heartbeat_ms = options_.heartbeat_ms;
  config.max_entries_per_append = options_.max_entries_per_append;
  config.batch_window_ms = options_.batch_window_ms;
  config.max_rounds_outstanding = options_.max_rounds_outstanding;
  config.flaw = options_.raft_flaw;
  raft_.emplace(config, ctx.rng().stream("raft"), ctx.now_ms());
  if (restored_) {
    raft_->restore(*restored_);
    if (restored_->snapshot) {
      const auto restored = restore_state(restored_->snapshot->data);
      EDDY_INVARIANT(restored.ok(), "a persisted snapshot the state machine cannot read");
      applied_ = restored_->snapshot->index;
    }
    restored_.reset();
  }
  flush(ctx);
}

bool RaftKv::on_request(Context& ctx, Message& request) {
  if (auto* raft_body = std::get_if<RaftBody>(&request.body)) {
    raft_->step(ctx.now_ms(), request.src, raft_body->message);
    flush(ctx);
    return true;
  }
  if (!is_kv_request(request.body) && !kafka::is_kafka_request(request.body)) return false;
  route(ctx, request);
  flush(ctx);
  return true;
}

void RaftKv::route(Context& ctx, Message& request) {
  if (raft_->role() == raft::Role::kLeader) return serve_as_leader(ctx, request);
  if (std::find(ctx.node_ids().begin(), ctx.node_ids().end(), request.src) !=
      ctx.node_ids().end()) {
    // Forwarded by a node that took us for the leader: never pass it on, so
    // that forwards cannot chain or loop. It entered no log here.
    return refuse(ctx, request,
                  "not the leader (the leader is " +
                      (raft_->leader().empty() ? std::string("unknown") : raft_->leader()) + ")");
  }
  if (!raft_->leader().empty() && raft_->leader_recently_heard(ctx.now_ms())) {
    return forward(ctx, request);
  }
  if (waiting_.size() >= kWaitingMax) return refuse(ctx, request, "no leader known");
  // No leader now: most likely an election is under way. Holding the
  // request for up to an election timeout lets it through once one wins,
  // instead of refusing what a majority could serve in a moment.
  waiting_.push_back(Waiting{ctx.now_ms() + options_.election_timeout_ms, std::move(request)});
  ctx.set_timer(kWaitTimer, waiting_.front().deadline_ms);
}

void RaftKv::route_waiting(Context& ctx) {
  const bool routable = raft_->role() == raft::Role::kLeader ||
                        (!raft_->leader().empty() && raft_->leader_recently_heard(ctx.now_ms()));
  std::deque<Waiting> still;
  while (!waiting_.empty()) {
    Waiting waiting = std::move(waiting_.front());
    waiting_.pop_front();
    if (routable) {
      route(ctx, waiting.request);
    } else if (ctx.now_ms() >= waiting.deadline_ms) {
      refuse(ctx, waiting.request, "no leader known");  // it entered no log
    } else {
      still.push_back(std::move(waiting));
    }
  }
  waiting_ = std::move(still);
  if (!waiting_.empty()) ctx.set_timer(kWaitTimer, waiting_.front().deadline_ms);
}

namespace {

// A client's request as this node got it: (client, msg_id), the key of
// rerouted_writes_.
std::pair<std::string, int64_t> client_key(const Message& request) {
  return {request.src, request.msg_id.value_or(0)};
}

}  // namespace

bool RaftKv::rerouted_write(const Message& client_request) const {
  return rerouted_writes_.contains(client_key(client_request));
}

void RaftKv::refuse(Context& ctx, const Message& request, std::string why) {
  if (rerouted_write(request)) {
    ctx.reply(request,
              ErrorBody{static_cast<int32_t>(ErrorCode::kTimeout),
                        std::move(why) + "; an earlier forward of it may have taken effect"});
    return;
  }
  ctx.reply(request, ErrorBody{kTemporarilyUnavailable, std::move(why)});
}

void RaftKv::serve_as_leader(Context& ctx, Message& request) {
  const int64_t now = ctx.now_ms();
  if (is_read(request.body)) {
    if (options_.flaw_read_without_read_index) return answer_read(ctx, request);
    const std::optional<uint64_t> id = raft_->read(now);
    if (!id) return refuse(ctx, request, "not the leader");
    pending_reads_.emplace(*id, std::move(request));
    return;
  }
  // The request's identity: its client's (carried by a forward), so that a
  // request is applied once whichever node forwarded it, whenever.
  std::pair<std::string, int64_t> id{request.src, request.msg_id.value_or(next_anonymous_id_--)};
  const std::optional<OriginFields> origin = origin_fields(request.body);
  EDDY_INVARIANT(origin.has_value(), "a request that is not a read has an origin");
  if (!origin->origin->empty()) id = {*origin->origin, *origin->msg_id};
  if (std::optional<Body> earlier = result_of(id)) {
    ctx.reply(request, std::move(*earlier));  // applied once already: a duplicate
    return;
  }
  if (proposed_.contains(id)) return;  // in the log: its entry will answer
  Value command = encode_command(request.body, id);
  const std::optional<raft::Index> index = raft_->propose(now, command);
  if (!index) return refuse(ctx, request, "not the leader, or too much is uncommitted");
  if (options_.flaw_ack_before_commit) {
    // Applied now (its commit finds it applied: the duplicate check).
    ctx.reply(request, apply_command(command));
    return;
  }
  proposed_.insert(id);
  pending_writes_.emplace(*index, PendingWrite{envelope_of(request), raft_->term(), id});
}

void RaftKv::reroute_forwards(Context& ctx) {
  const bool leading = raft_->role() == raft::Role::kLeader;
  const std::string& leader = raft_->leader();
  if (!leading && (leader.empty() || !raft_->leader_recently_heard(ctx.now_ms()))) return;
  for (auto it = forwards_.begin(); it != forwards_.end();) {
    if (!leading && it->second.leader == leader) {
      ++it;
      continue;
    }
    // Safe to send again, a write too: it carries its client's identity, and
    // the state machine applies a request once however often it is in the
    // log (the remembered results), and the leader proposes it once.
    Message request = std::move(it->second.request);
    it = forwards_.erase(it);
    mark_rerouted(request);
    route(ctx, request);
  }
}

void RaftKv::mark_rerouted(const Message& request) {
  if (is_read(request.body)) return;
  std::pair<std::string, int64_t> key = client_key(request);
  if (rerouted_writes_.insert(key).second) rerouted_order_.push_back(std::move(key));
  if (rerouted_order_.size() > kReroutedMax) {
    rerouted_writes_.erase(rerouted_order_.front());
    rerouted_order_.pop_front();
  }
}

void RaftKv::forward(Context& ctx, Message& request) {
  const bool read = is_read(request.body);
  const std::string leader = raft_->leader();
  Body& body = request.body;
  // Name the client's request, not this node's forward of it: msg_ids of a
  // node start again after a restart, a client's never repeat.
  const int64_t client_msg_id = request.msg_id.value_or(next_anonymous_id_--);
  if (const std::optional<OriginFields> origin = origin_fields(body);
      origin && origin->origin->empty()) {
    *origin->origin = request.src;
    *origin->msg_id = client_msg_id;
  }
  const uint64_t number = next_forward_++;
  forwards_.emplace(number, Forward{leader, request});
  ctx.call(leader, std::move(body), ctx.limits().rpc_timeout_ms,
           [this, number, read, leader](Context& c, RpcResult result) {
             const auto it = forwards_.find(number);
             if (it == forwards_.end()) return;  // routed again since
             const Message client = std::move(it->second.request);
             forwards_.erase(it);
             if (result) {
               c.reply(client, std::move(result.value().body));
               return;
             }
             if (!read && result.error().code == kTemporarilyUnavailable) {
               return on_forward_refused(c, client, leader, result.error().text);
             }
             if (result.error().code != static_cast<int32_t>(ErrorCode::kTimeout)) {
               c.reply(client, result.error());  // the leader's own answer
               return;
             }
             if (read) {
               // A read changes nothing, so failing it is always true.
               c.reply(client, ErrorBody{kTemporarilyUnavailable,
                                         "forwarded to " + leader + ", which did not answer"});
               return;
             }
             c.reply(client, ErrorBody{static_cast<int32_t>(ErrorCode::kTimeout),
                                       "forwarded to " + leader +
                                           ", which did not answer: it may or may not have "
                                           "taken effect"});
           });
}

void RaftKv::on_forward_refused(Context& ctx, Message client, const std::string& refuser,
                                const std::string& why) {
  // The node refused this forward (it does not lead), so it entered no log
  // there. But a network that duplicates messages may have delivered another
  // copy of the forward while that node led, and that copy may be in a log:
  // the refusal is not the request's fate. So route it again where another
  // leader is known (safe, as in reroute_forwards), else answer indefinitely
  // (refuse() does, for a request marked rerouted). Never back to the node
  // that refused: no loop.
  mark_rerouted(client);
  const bool elsewhere = raft_->role() == raft::Role::kLeader ||
                         (!raft_->leader().empty() && raft_->leader() != refuser &&
                          raft_->leader_recently_heard(ctx.now_ms()));
  if (!elsewhere) return refuse(ctx, client, "refused by " + refuser + ": " + why);
  route(ctx, client);
  flush(ctx);
}

void RaftKv::on_timer(Context& ctx, uint64_t arg) {
  if (!raft_) return;
  if (arg == kTickTimer) raft_->tick(ctx.now_ms());
  flush(ctx);
}

void RaftKv::apply_committed(Context& ctx, raft::Index index, const raft::Entry& entry) {
  Body reply = apply_command(entry.command);
  applied_ = index;
  const auto pending = pending_writes_.find(index);
  if (pending == pending_writes_.end()) return;
  PendingWrite write = std::move(pending->second);
  pending_writes_.erase(pending);
  proposed_.erase(write.id);
  if (entry.term == write.term) {
    ctx.reply(write.request, std::move(reply));
  } else {
    // A later leader's entry took the index: ours was never committed, and
    // being nowhere else in the log, never will be.
    refuse(ctx, write.request, "the leader changed before the request was committed");
  }
}

void RaftKv::serve_confirmed_reads(Context& ctx) {
  auto ready = std::stable_partition(confirmed_reads_.begin(), confirmed_reads_.end(),
                                     [&](const auto& read) { return read.first > applied_; });
  for (auto it = ready; it != confirmed_reads_.end(); ++it) {
    answer_read(ctx, it->second);
  }
  confirmed_reads_.erase(ready, confirmed_reads_.end());
}

void RaftKv::flush(Context& ctx) {
  // Requests held while no leader was known are routed first: what routing
  // them proposes is then persisted and sent by the loop below, in this same
  // step. (Routed after it, a proposal sat in Raft's output until the next
  // event, while a lone node had already counted it committed: a crash in
  // between lost a committed entry. RaftPropertyRegression, seed 3.)
  if (!waiting_.empty()) route_waiting(ctx);
  if (!forwards_.empty()) reroute_forwards(ctx);
  for (;;) {
    raft::Output out = raft_->take_output();
    const bool anything = out.persist || !out.messages.empty() || !out.committed.empty() ||
                          out.install || !out.ready_reads.empty() || !out.failed_reads.empty();
    if (!anything) break;
    // Durable before any message that depends on it leaves.
    if (out.persist) ctx.persist(std::move(*out.persist));
    for (auto& [to, message] : out.messages) ctx.send(to, RaftBody{std::move(message)});
    if (out.install) {
      const auto restored = restore_state(out.install->data);
      EDDY_INVARIANT(restored.ok(), "a leader's snapshot the state machine cannot read");
      applied_ = out.install->index;
      // Proposals the snapshot skipped over: applied or not, it cannot say
      // unless the request's result is still remembered.
      for (auto it = pending_writes_.begin();
           it != pending_writes_.end() && it->first <= applied_;) {
        PendingWrite& write = it->second;
        std::optional<Body> result = result_of(write.id);
        ctx.reply(write.request,
                  result ? std::move(*result)
                         : Body(ErrorBody{static_cast<int32_t>(ErrorCode::kCrash),
                                          "caught up by snapshot: the outcome is unknown"}));
        proposed_.erase(write.id);
        it = pending_writes_.erase(it);
      }
    }
    for (const auto& [index, entry] : out.committed) apply_committed(ctx, index, entry);
    for (const uint64_t id : out.failed_reads) {
      const auto read = pending_reads_.find(id);
      if (read == pending_reads_.end()) continue;
      refuse(ctx, read->second, "leadership could not be confirmed for the read");
      pending_reads_.erase(read);
    }
    for (const raft::ReadyRead& ready : out.ready_reads) {
      const auto read = pending_reads_.find(ready.id);
      if (read == pending_reads_.end()) continue;
      confirmed_reads_.emplace_back(ready.read_index, std::move(read->second));
      pending_reads_.erase(read);
    }
    serve_confirmed_reads(ctx);
    if (applied_ - raft_->log().snapshot_index() >= options_.compact_after_entries) {
      raft_->compact(applied_, snapshot_state());
    }
  }
  ctx.set_timer(kTickTimer, raft_->next_deadline_ms());
}

void RaftKv::answer_read(Context& ctx, const Message& request) const {
  std::visit(Overloaded{
                 [&](const KvReadBody& read) { ctx.reply(request, machine_.read(read.key)); },
                 [&](const PollBody& poll) {
                   ctx.reply(request, kafka_.poll(poll.offsets, ctx.limits()));
                 },
                 [&](const ListCommittedOffsetsBody& list) {
                   ctx.reply(request, kafka_.list_committed(list.keys));
                 },
                 [](const auto&) { EDDY_INVARIANT(false, "only a read is answered as one"); },
             },
             request.body);
}

Body RaftKv::apply_command(const Value& command) {
  // A leader's no-op (null) goes to the kv machine, which changes nothing.
  return kafka::is_kafka_command(command) ? kafka_.apply(command) : machine_.apply(command);
}

std::optional<Body> RaftKv::result_of(const std::pair<std::string, int64_t>& id) const {
  // A client's msg_ids never repeat, so at most one machine remembers it.
  if (std::optional<Body> result = machine_.result_of(id.first, id.second)) return result;
  return kafka_.result_of(id.first, id.second);
}

Value RaftKv::snapshot_state() const {
  return Value::from_json(nlohmann::json{{"kv", machine_.snapshot().to_json()},
                                         {"kafka", kafka_.snapshot().to_json()}});
}

Result<bool, std::string> RaftKv::restore_state(const Value& snapshot) {
  const nlohmann::json s = snapshot.to_json();
  if (s.is_null()) {  // the empty state, before any snapshot
    machine_ = KvMachine{};
    kafka_ = kafka::KafkaMachine{};
    return true;
  }
  if (s.is_object() && s.contains("values")) {
    // A snapshot written before kafka joined the log: the kv machine alone.
    kafka_ = kafka::KafkaMachine{};
    return machine_.restore(snapshot);
  }
  if (!s.is_object() || !s.contains("kv") || !s.contains("kafka")) {
    return Err{std::string(R"(a raft snapshot must be {"kv": ..., "kafka": ...})")};
  }
  KvMachine kv;
  kafka::KafkaMachine kafka;
  if (auto restored = kv.restore(Value::from_json(s["kv"])); !restored.ok()) return restored;
  if (auto restored = kafka.restore(Value::from_json(s["kafka"])); !restored.ok()) return restored;
  machine_ = std::move(kv);
  kafka_ = std::move(kafka);
  return true;
}

void RaftKv::check_invariants() const {
  if (!raft_) return;
  raft_->check_invariants();
  kafka_.check_invariants();
  EDDY_INVARIANT(applied_ <= raft_->commit_index(), "applied past the commit index");
}

}  // namespace eddy::core::kv
