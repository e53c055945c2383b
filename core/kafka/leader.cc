#include "core/kafka/leader.h"

#include <algorithm>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error_code.h"
#include "core/invariant.h"
#include "core/kafka/local_service.h"
#include "core/overloaded.h"

namespace eddy::core::kafka {
namespace {

constexpr std::string_view kLinKv = "lin-kv";
// Free-range code (>= 1000, always indefinite): the leader answered with a
// body that does not fit the request, so the outcome is unknown.
constexpr int32_t kUnexpectedReplyCode = 1000;

Value string_value(const std::string& text) { return Value::from_json(nlohmann::json(text)); }

// The node name a lin-kv value holds, if it is a JSON string.
std::optional<std::string> string_of(const Value& value) {
  if (value.is_integer()) return std::nullopt;
  const nlohmann::json json = nlohmann::json::parse(value.json_text(), nullptr, false);
  if (!json.is_string()) return std::nullopt;
  return json.get<std::string>();
}

// The reply type a kafka request expects; empty for other bodies.
std::string_view ok_type_for(const Body& body) {
  return std::visit(
      Overloaded{
          [](const SendBody&) { return std::string_view("send_ok"); },
          [](const PollBody&) { return std::string_view("poll_ok"); },
          [](const CommitOffsetsBody&) { return std::string_view("commit_offsets_ok"); },
          [](const ListCommittedOffsetsBody&) {
            return std::string_view("list_committed_offsets_ok");
          },
          [](const auto&) { return std::string_view(); },
      },
      body);
}

ErrorBody unavailable(std::string text) {
  return ErrorBody{static_cast<int32_t>(ErrorCode::kTemporarilyUnavailable), std::move(text)};
}

// A request's envelope without its body: what a deferred reply needs.
Message envelope_of(const Message& request) {
  return Message{request.src, request.dest, request.msg_id, std::nullopt, InitOkBody{}};
}

}  // namespace

// --- election -------------------------------------------------------------------------

void LeaderKafka::on_init(Context& ctx) {
  peers_.insert(ctx.node_ids().begin(), ctx.node_ids().end());
  if (ctx.node_ids().size() == 1 && ctx.node_ids().front() == ctx.node_id()) {
    // Nobody to disagree with: lin-kv would only add a round trip and a
    // dependency on the service.
    return become_leader(ctx);
  }
  ++election_attempts_;
  if (options_.candidate) return start_cas(ctx);
  start_read(ctx);
}

void LeaderKafka::start_cas(Context& ctx) {
  EDDY_INVARIANT(!election_call_in_flight_, "two election calls in flight");
  election_call_in_flight_ = true;
  // from == to == own id: on an existing key only the winner's cas can pass,
  // and it rewrites the same value, so the key never changes and a retry
  // after a lost reply tells the truth (cas_ok iff the key names this node).
  const Value self = string_value(ctx.node_id());
  ctx.call(std::string(kLinKv), KvCasBody{string_value(options_.election_key), self, self, true},
           ctx.limits().rpc_timeout_ms,
           [this](Context& c, RpcResult result) { on_cas(c, std::move(result)); });
}

void LeaderKafka::on_cas(Context& ctx, RpcResult result) {
  election_call_in_flight_ = false;
  if (result.ok()) {
    if (std::holds_alternative<KvCasOkBody>(result.value().body)) return become_leader(ctx);
    return retry_election(
        ctx, "unexpected cas reply '" + std::string(body_type(result.value().body)) + "'");
  }
  if (result.error().code == static_cast<int32_t>(ErrorCode::kPreconditionFailed)) {
    // The key names somebody else. The error text prints the value too, in
    // Clojure syntax; a read is the sturdier way to learn it.
    return start_read(ctx);
  }
  retry_election(ctx, "cas failed with error " + std::to_string(result.error().code) + ": " +
                          result.error().text);
}

void LeaderKafka::start_read(Context& ctx) {
  EDDY_INVARIANT(!election_call_in_flight_, "two election calls in flight");
  election_call_in_flight_ = true;
  ctx.call(std::string(kLinKv), KvReadBody{string_value(options_.election_key)},
           ctx.limits().rpc_timeout_ms,
           [this](Context& c, RpcResult result) { on_read(c, std::move(result)); });
}

void LeaderKafka::on_read(Context& ctx, RpcResult result) {
  election_call_in_flight_ = false;
  if (!result.ok()) {
    // A timeout, or 20: no candidate has written the key yet (for a
    // candidate, impossible after its 22 unless the service lost the key).
    // Start over: a candidate's cas is idempotent, a non-candidate reads.
    return retry_election(ctx, "read failed with error " + std::to_string(result.error().code) +
                                   ": " + result.error().text);
  }
  const auto* read_ok = std::get_if<KvReadOkBody>(&result.value().body);
  if (read_ok == nullptr) {
    return retry_election(
        ctx, "unexpected read reply '" + std::string(body_type(result.value().body)) + "'");
  }
  const std::optional<std::string> name = string_of(read_ok->value);
  if (!name || !is_peer(*name)) {
    // Not a node of this cluster: following it would forward into the void.
    return retry_election(ctx, "'" + options_.election_key + "' holds " +
                                   read_ok->value.to_json_text() + ", not a node of this cluster");
  }
  // The key never changes once set, so a read that names this node means an
  // earlier cas of ours won.
  if (*name == ctx.node_id()) return become_leader(ctx);
  become_follower(ctx, *name);
}

void LeaderKafka::retry_election(Context& ctx, const std::string& why) {
  const int doublings = std::min(election_attempts_ - 1, 16);
  const int64_t span_ms = std::min(options_.election_backoff_ms_max,
                                   options_.election_backoff_ms_min << std::max(doublings, 0));
  const int64_t delay_ms = ctx.rng().between(span_ms / 2, span_ms);
  ctx.log(LogLevel::kWarn, "election attempt " + std::to_string(election_attempts_) + ": " + why +
                               "; retrying in " + std::to_string(delay_ms) + " ms");
  ctx.set_timer(kElectionRetryTimer, ctx.now_ms() + delay_ms);
}

void LeaderKafka::become_leader(Context& ctx) {
  EDDY_INVARIANT(role_ == Role::kElecting, "the leader is chosen once per run");
  role_ = Role::kLeader;
  leader_ = ctx.node_id();
  ctx.log(LogLevel::kInfo,
          "leading the cluster; serving " + std::to_string(waiting_.size()) + " waiting requests");
  std::deque<Waiting> waiting = std::exchange(waiting_, {});
  for (Waiting& w : waiting) dispatch(ctx, w.request);
}

void LeaderKafka::become_follower(Context& ctx, std::string leader) {
  EDDY_INVARIANT(role_ == Role::kElecting, "the leader is chosen once per run");
  role_ = Role::kFollower;
  leader_ = std::move(leader);
  windows_.clear();  // a follower never serves a peer, so it needs no memory of them
  ctx.log(LogLevel::kInfo, "following " + leader_ + "; forwarding " +
                               std::to_string(waiting_.size()) + " waiting requests");
  std::deque<Waiting> waiting = std::exchange(waiting_, {});
  for (Waiting& w : waiting) dispatch(ctx, w.request);
}

void LeaderKafka::on_timer(Context& ctx, uint64_t arg) {
  if (arg == kElectionRetryTimer) {
    if (role_ != Role::kElecting || election_call_in_flight_) return;
    ++election_attempts_;
    if (options_.candidate) return start_cas(ctx);
    return start_read(ctx);
  }
  if (arg == kWaitingDeadlineTimer) expire_waiting(ctx);
}

// --- requests -------------------------------------------------------------------------

bool LeaderKafka::on_request(Context& ctx, Message& request) {
  if (ok_type_for(request.body).empty()) return false;
  // A follower refuses peers' requests outright (see dispatch), so only a
  // node that may lead has to tell a repeat from a first delivery.
  if (role_ != Role::kFollower && is_peer(request.src) && !first_delivery(ctx, request)) {
    return true;
  }
  if (role_ == Role::kElecting) {
    wait_for_leader(ctx, std::move(request));
  } else {
    dispatch(ctx, request);
  }
  return true;
}

bool LeaderKafka::first_delivery(Context& ctx, const Message& request) {
  if (!request.msg_id) {
    // Our forwards are calls and always carry one; this is not our protocol.
    ctx.log(LogLevel::kWarn, "dropped a " + std::string(body_type(request.body)) + " from peer " +
                                 request.src + " without msg_id");
    return false;
  }
  PeerWindow& window = windows_[request.src];
  const int64_t id = *request.msg_id;
  if (id <= window.floor || !window.seen.insert(id).second) {
    // A network duplicate (or a copy too old to judge). The first copy was or
    // will be answered; answering this one could only contradict it.
    ctx.log(LogLevel::kDebug,
            "dropped a repeated request " + std::to_string(id) + " from " + request.src);
    return false;
  }
  if (window.seen.size() > options_.dedupe_window_per_peer) {
    window.floor = *window.seen.begin();
    window.seen.erase(window.seen.begin());
  }
  return true;
}

void LeaderKafka::wait_for_leader(Context& ctx, Message request) {
  if (waiting_.size() >= options_.waiting_requests_max) {
    return ctx.reply(request,
                     unavailable("no leader elected yet, and " + std::to_string(waiting_.size()) +
                                 " requests are already waiting for one"));
  }
  const int64_t deadline_ms = ctx.now_ms() + options_.waiting_ms_max;
  if (waiting_.empty()) ctx.set_timer(kWaitingDeadlineTimer, deadline_ms);
  waiting_.push_back(Waiting{std::move(request), deadline_ms});
}

void LeaderKafka::expire_waiting(Context& ctx) {
  while (!waiting_.empty() && waiting_.front().deadline_ms <= ctx.now_ms()) {
    // Definite: the request was held, never forwarded or served.
    ctx.reply(
        waiting_.front().request,
        unavailable("no leader elected within " + std::to_string(options_.waiting_ms_max) + " ms"));
    waiting_.pop_front();
  }
  if (!waiting_.empty()) ctx.set_timer(kWaitingDeadlineTimer, waiting_.front().deadline_ms);
}

void LeaderKafka::dispatch(Context& ctx, Message& request) {
  if (role_ == Role::kLeader) return serve(ctx, request);
  EDDY_INVARIANT(role_ == Role::kFollower, "dispatch before the election ended");
  if (is_peer(request.src)) {
    // Every node learns the same leader, so a peer never forwards to a
    // follower; relaying it on could only build a loop. Nothing was done.
    return ctx.reply(
        request, unavailable("node " + ctx.node_id() + " is not the leader (" + leader_ + " is)"));
  }
  forward(ctx, request);
}

void LeaderKafka::forward(Context& ctx, Message& request) {
  if (forwards_in_flight_ >= options_.forwards_in_flight_max) {
    return ctx.reply(request, unavailable(std::to_string(forwards_in_flight_) +
                                          " requests already forwarded to leader " + leader_));
  }
  ++forwards_in_flight_;
  const std::string_view ok_type = ok_type_for(request.body);
  const int64_t timeout_ms = ctx.limits().rpc_timeout_ms;
  ctx.call(
      leader_, std::move(request.body), timeout_ms,
      [this, origin = envelope_of(request), ok_type, timeout_ms](Context& c, RpcResult result) {
        --forwards_in_flight_;
        if (!result.ok()) {
          ErrorBody error = result.error();
          // Code 0 stays 0 (indefinite): the leader may have acted on a
          // forward whose reply was lost. Its own errors pass on as they
          // are: it says definite only when it did nothing.
          error.text = error.code == static_cast<int32_t>(ErrorCode::kTimeout)
                           ? "no reply from leader " + leader_ + " within " +
                                 std::to_string(timeout_ms) +
                                 " ms; the request may or may not have taken effect"
                           : "leader " + leader_ + ": " + error.text;
          if (options_.flaw_definite_error_on_forward_timeout &&
              error.code == static_cast<int32_t>(ErrorCode::kTimeout)) {
            error.code = static_cast<int32_t>(ErrorCode::kTemporarilyUnavailable);
          }
          return c.reply(origin, std::move(error));
        }
        Body body = std::move(result).value().body;
        if (body_type(body) != ok_type) {
          return c.reply(origin,
                         ErrorBody{kUnexpectedReplyCode, "leader " + leader_ + " answered '" +
                                                             std::string(body_type(body)) +
                                                             "' to a request "
                                                             "that expects '" +
                                                             std::string(ok_type) + "'"});
        }
        c.reply(origin, std::move(body));
      });
}

void LeaderKafka::serve(Context& ctx, Message& request) { serve_from_log(ctx, request, log_); }

// --- invariants -----------------------------------------------------------------------

void LeaderKafka::check_invariants() const {
  log_.check_invariants();
  EDDY_INVARIANT(role_ == Role::kLeader || log_.key_count() == 0,
                 "a node that does not lead holds log state");
  EDDY_INVARIANT((role_ == Role::kElecting) == leader_.empty(),
                 "a leader is known exactly when the election has ended");
  EDDY_INVARIANT(leader_.empty() || peers_.contains(leader_),
                 "the leader '" + leader_ + "' is not a node of the cluster");
  EDDY_INVARIANT(role_ == Role::kElecting || waiting_.empty(),
                 "requests still wait after the election ended");
  EDDY_INVARIANT(waiting_.size() <= options_.waiting_requests_max, "too many waiting requests");
  EDDY_INVARIANT(role_ == Role::kFollower || forwards_in_flight_ == 0,
                 "only a follower forwards requests");
  EDDY_INVARIANT(forwards_in_flight_ <= options_.forwards_in_flight_max,
                 "too many forwards in flight");
  EDDY_INVARIANT(role_ != Role::kFollower || windows_.empty(), "a follower keeps peer windows");
  for (const auto& [peer, window] : windows_) {
    EDDY_INVARIANT(window.seen.size() <= options_.dedupe_window_per_peer,
                   "the duplicate window of " + peer + " exceeds its bound");
    EDDY_INVARIANT(window.seen.empty() || *window.seen.begin() > window.floor,
                   "the duplicate window of " + peer + " holds an id at or below its floor");
  }
}

}  // namespace eddy::core::kafka
