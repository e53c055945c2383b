#include "core/kv/raft_kv.h"

#include <algorithm>
#include <utility>

#include "core/error_code.h"
#include "core/invariant.h"
#include "core/kv/proxy.h"

namespace eddy::core::kv {
namespace {

constexpr int32_t kTemporarilyUnavailable =
    static_cast<int32_t>(ErrorCode::kTemporarilyUnavailable);

// The request without its body: what answering it needs.
Message envelope_of(const Message& request) {
  return Message{request.src, request.dest, request.msg_id, std::nullopt, UnknownBody{}};
}

}  // namespace

void RaftKv::restore(const Persisted& persisted) { restored_ = persisted; }

void RaftKv::on_init(Context& ctx) {
  raft::RaftConfig config;
  config.self = ctx.node_id();
  config.peers = ctx.node_ids();
  config.election_timeout_ms = options_.election_timeout_ms;
  config.heartbeat_ms = options_.heartbeat_ms;
  config.flaw = options_.raft_flaw;
  raft_.emplace(config, ctx.rng().stream("raft"), ctx.now_ms());
  if (restored_) {
    raft_->restore(*restored_);
    if (restored_->snapshot) {
      const auto restored = machine_.restore(restored_->snapshot->data);
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
  if (!is_kv_request(request.body)) return false;
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

void RaftKv::refuse(Context& ctx, const Message& request, std::string why) {
  ctx.reply(request, ErrorBody{kTemporarilyUnavailable, std::move(why)});
}

void RaftKv::serve_as_leader(Context& ctx, Message& request) {
  const int64_t now = ctx.now_ms();
  if (std::holds_alternative<KvReadBody>(request.body)) {
    if (options_.flaw_read_without_read_index) {
      ctx.reply(request, machine_.read(std::get<KvReadBody>(request.body).key));
      return;
    }
    const std::optional<uint64_t> id = raft_->read(now);
    if (!id) return refuse(ctx, request, "not the leader");
    pending_reads_.emplace(*id, std::move(request));
    return;
  }
  // The request's identity: its client's (carried by a forward), so that a
  // request is applied once whichever node forwarded it, whenever.
  std::pair<std::string, int64_t> id{request.src, request.msg_id.value_or(next_anonymous_id_--)};
  const auto* write_body = std::get_if<KvWriteBody>(&request.body);
  const auto* cas_body = std::get_if<KvCasBody>(&request.body);
  const std::string& origin = write_body ? write_body->origin : cas_body->origin;
  if (!origin.empty())
    id = {origin, write_body ? write_body->origin_msg_id : cas_body->origin_msg_id};
  if (std::optional<Body> earlier = machine_.result_of(id.first, id.second)) {
    ctx.reply(request, std::move(*earlier));  // applied once already: a duplicate
    return;
  }
  if (proposed_.contains(id)) return;  // in the log: its entry will answer
  Value command = std::holds_alternative<KvWriteBody>(request.body)
                      ? encode_write(std::get<KvWriteBody>(request.body), id.first, id.second)
                      : encode_cas(std::get<KvCasBody>(request.body), id.first, id.second);
  const std::optional<raft::Index> index = raft_->propose(now, command);
  if (!index) return refuse(ctx, request, "not the leader, or too much is uncommitted");
  if (options_.flaw_ack_before_commit) {
    // Applied now (its commit finds it applied: the duplicate check).
    ctx.reply(request, machine_.apply(command));
    return;
  }
  proposed_.insert(id);
  pending_writes_.emplace(*index, PendingWrite{envelope_of(request), raft_->term(), id});
}

void RaftKv::forward(Context& ctx, Message& request) {
  const bool read = std::holds_alternative<KvReadBody>(request.body);
  const std::string leader = raft_->leader();
  Body body = std::move(request.body);
  // Name the client's request, not this node's forward of it: msg_ids of a
  // node start again after a restart, a client's never repeat.
  const int64_t client_msg_id = request.msg_id.value_or(next_anonymous_id_--);
  if (auto* write = std::get_if<KvWriteBody>(&body); write && write->origin.empty()) {
    write->origin = request.src;
    write->origin_msg_id = client_msg_id;
  }
  if (auto* cas = std::get_if<KvCasBody>(&body); cas && cas->origin.empty()) {
    cas->origin = request.src;
    cas->origin_msg_id = client_msg_id;
  }
  ctx.call(leader, std::move(body), ctx.limits().rpc_timeout_ms,
           [read, leader, client = envelope_of(request)](Context& c, RpcResult result) {
             if (result) {
               c.reply(client, std::move(result.value().body));
               return;
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

void RaftKv::on_timer(Context& ctx, uint64_t arg) {
  if (!raft_) return;
  if (arg == kTickTimer) raft_->tick(ctx.now_ms());
  flush(ctx);
}

void RaftKv::apply_committed(Context& ctx, raft::Index index, const raft::Entry& entry) {
  Body reply = machine_.apply(entry.command);
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
    ctx.reply(it->second, machine_.read(std::get<KvReadBody>(it->second.body).key));
  }
  confirmed_reads_.erase(ready, confirmed_reads_.end());
}

void RaftKv::flush(Context& ctx) {
  for (;;) {
    raft::Output out = raft_->take_output();
    const bool anything = out.persist || !out.messages.empty() || !out.committed.empty() ||
                          out.install || !out.ready_reads.empty() || !out.failed_reads.empty();
    if (!anything) break;
    // Durable before any message that depends on it leaves.
    if (out.persist) ctx.persist(std::move(*out.persist));
    for (auto& [to, message] : out.messages) ctx.send(to, RaftBody{std::move(message)});
    if (out.install) {
      const auto restored = machine_.restore(out.install->data);
      EDDY_INVARIANT(restored.ok(), "a leader's snapshot the state machine cannot read");
      applied_ = out.install->index;
      // Proposals the snapshot skipped over: applied or not, it cannot say
      // unless the request's result is still remembered.
      for (auto it = pending_writes_.begin();
           it != pending_writes_.end() && it->first <= applied_;) {
        PendingWrite& write = it->second;
        std::optional<Body> result = machine_.result_of(write.id.first, write.id.second);
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
      raft_->compact(applied_, machine_.snapshot());
    }
  }
  if (!waiting_.empty()) route_waiting(ctx);
  ctx.set_timer(kTickTimer, raft_->next_deadline_ms());
}

void RaftKv::check_invariants() const {
  if (!raft_) return;
  raft_->check_invariants();
  EDDY_INVARIANT(applied_ <= raft_->commit_index(), "applied past the commit index");
}

}  // namespace eddy::core::kv
