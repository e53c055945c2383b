#include "core/kafka/linkv.h"

#include <algorithm>
#include <utility>

#include "core/error_code.h"
#include "core/invariant.h"
#include "core/kafka/local_service.h"
#include "core/overloaded.h"

namespace eddy::core::kafka {
namespace {

using linkv::ChunkEntry;
using linkv::MergeOutcome;

ErrorBody error(ErrorCode code, std::string text) {
  return ErrorBody{static_cast<int32_t>(code), std::move(text)};
}

// lin-kv's refusals of a cas: the value was not `from` (22), or the key was
// missing without create_if_not_exists (20). That copy of the cas did not
// apply (another copy of a duplicated request may have).
bool refused(const ErrorBody& error) {
  return error.code == static_cast<int32_t>(ErrorCode::kPreconditionFailed) ||
         error.code == static_cast<int32_t>(ErrorCode::kKeyDoesNotExist);
}

bool key_missing(const ErrorBody& error) {
  return error.code == static_cast<int32_t>(ErrorCode::kKeyDoesNotExist);
}

}  // namespace

LinKvKafka::LinKvKafka(LinKvConfig config) : config_(std::move(config)) {
  EDDY_INVARIANT(config_.chunk_entries > 0, "LinKvConfig: chunk_entries must be positive");
  EDDY_INVARIANT(config_.send_attempts_max > 0, "LinKvConfig: send_attempts_max must be positive");
  EDDY_INVARIANT(config_.refresh_quiet_divisor > 0, "LinKvConfig: refresh_quiet_divisor > 0");
}

void LinKvKafka::on_init(Context& ctx) {
  ctx.set_timer(kCommitFlushTimer, ctx.now_ms() + config_.commit_flush_interval_ms);
}

bool LinKvKafka::on_request(Context& ctx, Message& request) {
  bool served = true;
  std::visit(Overloaded{
                 [&](SendBody&) { on_send(ctx, request); },
                 [&](PollBody&) { on_poll(ctx, request); },
                 [&](CommitOffsetsBody&) { on_commit(ctx, request); },
                 [&](ListCommittedOffsetsBody&) { on_list(ctx, request); },
                 [&](auto&) { served = false; },
             },
             request.body);
  return served;
}

void LinKvKafka::on_timer(Context& ctx, uint64_t arg) {
  if (arg != kCommitFlushTimer) return;
  flush_commits(ctx);
  ctx.set_timer(kCommitFlushTimer, ctx.now_ms() + config_.commit_flush_interval_ms);
}

const linkv::CachedLog* LinKvKafka::cached_log(std::string_view key) const {
  const auto it = keys_.find(key);
  return it == keys_.end() ? nullptr : &it->second.log;
}

std::optional<int64_t> LinKvKafka::committed(std::string_view key) const {
  const auto it = commits_.find(key);
  if (it == commits_.end()) return std::nullopt;
  return it->second.local;
}

LinKvKafka::KeyState& LinKvKafka::key_state(const Context& ctx, const std::string& key) {
  auto it = keys_.find(key);
  if (it == keys_.end()) {
    it = keys_.emplace(key, KeyState(config_.chunk_entries)).first;
    // A key new to this node starts as if it had just grown, so that its
    // first refreshes come quickly and then back off while it stays quiet.
    it->second.refresh.grown_ms = ctx.now_ms();
  }
  return it->second;
}

// --- send -----------------------------------------------------------------

void LinKvKafka::on_send(Context& ctx, Message& request) {
  auto& send = std::get<SendBody>(request.body);
  const std::string key = send.key;
  KeyState& state = key_state(ctx, key);
  if (std::ssize(state.appender.queue) >= config_.send_queue_max) {
    // Definite: the send was never attempted.
    ctx.reply(request,
              error(ErrorCode::kTemporarilyUnavailable, "too many sends pending for key " + key));
    return;
  }
  PendingSend pending;
  pending.entry =
      ChunkEntry{ctx.node_id() + ":" + std::to_string(next_tag_++), std::move(send.msg)};
  pending.deadline_ms = ctx.now_ms() + config_.send_deadline_ms;
  request.body = SendOkBody{};  // only the envelope is kept, for the reply
  pending.request = std::move(request);
  state.appender.queue.push_back(std::move(pending));
  pump(ctx, key);
}

// Starts the next cas of the key's pipeline, if it is idle and has work.
void LinKvKafka::pump(Context& ctx, const std::string& key) {
  KeyState& state = key_state(ctx, key);
  Appender& appender = state.appender;
  if (appender.busy) return;
  resolve(ctx, state);
  give_up_expired(ctx, appender);
  if (appender.queue.empty()) return;

  const linkv::CachedLog& log = state.log;
  const int64_t chunk = log.tail_chunk();
  const int64_t from_length = log.tail_length();
  const size_t batch =
      std::min(appender.queue.size(), static_cast<size_t>(log.chunk_entries() - from_length));
  const std::span<const ChunkEntry> cached = log.chunk(chunk);
  std::vector<ChunkEntry> from(cached.begin(), cached.end());
  std::vector<ChunkEntry> to = from;
  for (size_t i = 0; i < appender.queue.size(); ++i) {
    PendingSend& pending = appender.queue[i];
    // Safety argument 2 (linkv.h): every cas of a tag that may still apply
    // has the `from` this one is about to use.
    for (const Unresolved& unresolved : pending.unresolved) {
      EDDY_INVARIANT(
          i < batch && unresolved.chunk == chunk && unresolved.from_length == from_length,
          "linkv: a new cas of tag " + pending.entry.tag +
              " would not share its `from` with an unresolved one");
    }
    if (i >= batch) continue;
    ++pending.attempts;
    to.push_back(pending.entry);
  }
  appender.busy = true;
  appender.batch_chunk = chunk;
  appender.batch_from_length = from_length;
  appender.batch_size = batch;
  // A chunk in lin-kv is never [], so when the node believes the chunk empty
  // the cas either creates it or fails with 22.
  KvCasBody cas{linkv::chunk_kv_key(key, chunk), linkv::encode_chunk(from), linkv::encode_chunk(to),
                from_length == 0};
  const int64_t sent_ms = ctx.now_ms();
  ctx.call(config_.kv_service, std::move(cas), config_.kv_timeout_ms,
           [this, key, sent_ms](Context& c, RpcResult result) {
             on_cas_done(c, key, sent_ms, std::move(result));
           });
}

// Gives up on sends past their deadline or attempts (pre: not busy, so none
// is riding on a cas).
void LinKvKafka::give_up_expired(Context& ctx, Appender& appender) {
  for (auto it = appender.queue.begin(); it != appender.queue.end();) {
    if (it->attempts < config_.send_attempts_max && ctx.now_ms() < it->deadline_ms) {
      ++it;
      continue;
    }
    const std::string tries = " after " + std::to_string(it->attempts) + " cas attempts";
    if (it->unresolved.empty()) {
      // Every cas of this send is settled as not applied, for good.
      ctx.reply(it->request,
                error(ErrorCode::kTemporarilyUnavailable, "send not appended" + tries));
    } else {
      // A cas not settled yet may have applied, or still apply: unknown.
      ctx.reply(it->request, error(ErrorCode::kTimeout, "send outcome unknown" + tries));
    }
    it = appender.queue.erase(it);
  }
}

// Settles the unresolved cas attempts that the cache now decides: once the
// cached chunk is longer than a cas's `from`, the cas applied iff its tag is
// there (pre: not busy).
void LinKvKafka::resolve(Context& ctx, KeyState& state) {
  const linkv::CachedLog& log = state.log;
  const int64_t chunk_entries = log.chunk_entries();
  auto& queue = state.appender.queue;
  for (auto it = queue.begin(); it != queue.end();) {
    int64_t offset = -1;
    std::erase_if(it->unresolved, [&](const Unresolved& unresolved) {
      const int64_t start = unresolved.chunk * chunk_entries + unresolved.from_length;
      if (log.size() <= start) return false;
      const int64_t found =
          log.find_tag(it->entry.tag, start, (unresolved.chunk + 1) * chunk_entries);
      if (found >= 0) offset = found;
      return true;
    });
    if (offset < 0) {
      ++it;
      continue;
    }
    ctx.reply(it->request, SendOkBody{offset});
    it = queue.erase(it);
  }
}

void LinKvKafka::on_cas_done(Context& ctx, const std::string& key, int64_t sent_ms,
                             RpcResult result) {
  KeyState& state = key_state(ctx, key);
  Appender& appender = state.appender;
  EDDY_INVARIANT(appender.busy && appender.batch_size <= appender.queue.size(),
                 "linkv: a cas completed for a pipeline that sent none");
  const int64_t chunk = appender.batch_chunk;
  const int64_t from_length = appender.batch_from_length;
  const int64_t base = chunk * state.log.chunk_entries() + from_length;
  if (result.ok()) {
    // The chunk held exactly `from` + the batch at that instant.
    const std::span<const ChunkEntry> cached = state.log.chunk(chunk);
    std::vector<ChunkEntry> value(cached.begin(), cached.begin() + from_length);
    for (size_t i = 0; i < appender.batch_size; ++i) value.push_back(appender.queue[i].entry);
    const MergeOutcome outcome = merge_chunk(ctx, key, state, chunk, value, sent_ms);
    EDDY_INVARIANT(outcome == MergeOutcome::kExtended || outcome == MergeOutcome::kUnchanged,
                   "linkv: the cache disagrees with a cas lin-kv accepted");
    for (size_t i = 0; i < appender.batch_size; ++i) {
      ctx.reply(appender.queue.front().request, SendOkBody{base + static_cast<int64_t>(i)});
      appender.queue.pop_front();
    }
    appender.busy = false;
    return pump(ctx, key);
  }
  // Not applied, as far as this reply goes. A 22 says the chunk was not
  // `from` when lin-kv looked, but the request may have been duplicated on
  // the way and another copy applied; a timeout says nothing. Either way the
  // chunk itself settles it (resolve): our tag is at `from`'s end, or not.
  for (size_t i = 0; i < appender.batch_size; ++i) {
    appender.queue[i].unresolved.push_back(Unresolved{chunk, from_length});
  }
  merge_refusal(ctx, key, state, chunk, result.error(), sent_ms);
  if (state.log.size() > base) {
    // The refusal or a refresh showed the chunk past our `from`: that
    // settles the cas (in pump), and the retry starts from there.
    appender.busy = false;
    return pump(ctx, key);
  }
  read_for_append(ctx, key, chunk);
}

void LinKvKafka::merge_refusal(Context& ctx, const std::string& key, KeyState& state, int64_t chunk,
                               const ErrorBody& refusal, int64_t sent_ms) {
  if (refusal.code != static_cast<int32_t>(ErrorCode::kPreconditionFailed)) return;
  const auto current = linkv::current_value_of_refusal(refusal.text);
  if (!current) return;
  auto value = linkv::decode_chunk(*current, state.log.chunk_entries());
  // Anything odd: the caller reads the chunk instead.
  if (value.ok()) merge_chunk(ctx, key, state, chunk, value.value(), sent_ms);
}

void LinKvKafka::read_for_append(Context& ctx, const std::string& key, int64_t chunk) {
  const int64_t sent_ms = ctx.now_ms();
  ctx.call(config_.kv_service, KvReadBody{linkv::chunk_kv_key(key, chunk)}, config_.kv_timeout_ms,
           [this, key, chunk, sent_ms](Context& c, RpcResult result) {
             on_append_read(c, key, chunk, sent_ms, std::move(result));
           });
}

void LinKvKafka::on_append_read(Context& ctx, const std::string& key, int64_t chunk,
                                int64_t sent_ms, RpcResult result) {
  KeyState& state = key_state(ctx, key);
  if (result.ok()) {
    const int64_t entries = merge_read(ctx, key, state, chunk, result.value(), sent_ms);
    // A full chunk: the tail is further on; read it before the next cas.
    if (entries == state.log.chunk_entries() && state.log.tail_chunk() > chunk) {
      return read_for_append(ctx, key, state.log.tail_chunk());
    }
  } else if (key_missing(result.error())) {
    confirm_missing(state, chunk, sent_ms);
  }
  // A timeout leaves the cache as it was; the next cas finds out.
  state.appender.busy = false;
  pump(ctx, key);
}

MergeOutcome LinKvKafka::merge_chunk(Context& ctx, const std::string& key, KeyState& state,
                                     int64_t chunk, const std::vector<ChunkEntry>& value,
                                     int64_t sent_ms) {
  const MergeOutcome outcome = state.log.merge(chunk, value);
  if (outcome == MergeOutcome::kConflict) {
    ctx.log(LogLevel::kWarn, "linkv: chunk " + std::to_string(chunk) + " of key " + key +
                                 " disagrees with the cache; ignored");
    return outcome;
  }
  if (outcome == MergeOutcome::kExtended) state.refresh.grown_ms = ctx.now_ms();
  // lin-kv held `value` at some instant after sent_ms; if the cache ends
  // where it does, the cached tail was current then.
  const int64_t chunk_entries = state.log.chunk_entries();
  if (outcome != MergeOutcome::kNotContiguous && std::ssize(value) < chunk_entries &&
      state.log.size() == chunk * chunk_entries + std::ssize(value)) {
    state.refresh.confirmed_ms = std::max(state.refresh.confirmed_ms, sent_ms);
  }
  return outcome;
}

int64_t LinKvKafka::merge_read(Context& ctx, const std::string& key, KeyState& state, int64_t chunk,
                               const Message& read_ok, int64_t sent_ms) {
  const auto* body = std::get_if<KvReadOkBody>(&read_ok.body);
  if (body == nullptr) return -1;
  auto value = linkv::decode_chunk(body->value, state.log.chunk_entries());
  if (!value.ok()) {
    ctx.log(LogLevel::kWarn, "linkv: chunk " + std::to_string(chunk) + " of key " + key +
                                 " is not ours: " + value.error());
    return -1;
  }
  if (merge_chunk(ctx, key, state, chunk, value.value(), sent_ms) == MergeOutcome::kConflict) {
    return -1;
  }
  return std::ssize(value.value());
}

void LinKvKafka::confirm_missing(KeyState& state, int64_t chunk, int64_t sent_ms) {
  // The chunk did not exist after sent_ms: the cache ends where it starts.
  if (state.log.size() == chunk * state.log.chunk_entries()) {
    state.refresh.confirmed_ms = std::max(state.refresh.confirmed_ms, sent_ms);
  }
}

// --- poll -----------------------------------------------------------------

void LinKvKafka::on_poll(Context& ctx, const Message& request) {
  const auto& poll = std::get<PollBody>(request.body);
  const auto count_max = static_cast<size_t>(ctx.limits().poll_msgs_per_key_max);
  PollOkBody poll_ok;
  std::vector<const std::string*> at_end;
  for (const auto& [key, from] : poll.offsets) {
    KeyState& state = key_state(ctx, key);
    std::vector<Record> records;
    const size_t count = state.log.read(from, count_max, records);
    // Only a client that already has all this node knows of makes it look
    // for more: one that still reads from the cache (as every client of the
    // final phase does at first) may well find everything there.
    if (from >= state.log.size()) at_end.push_back(&key);
    // Keys with nothing are omitted, as Maelstrom allows.
    if (count > 0) poll_ok.msgs.emplace_back(key, std::move(records));
  }
  ctx.reply(request, std::move(poll_ok));
  // Look for more, for the client's next poll.
  for (const std::string* key : at_end) maybe_refresh(ctx, *key, key_state(ctx, *key));
}

void LinKvKafka::maybe_refresh(Context& ctx, const std::string& key, KeyState& state) {
  Refresh& refresh = state.refresh;
  if (refresh.in_flight) return;
  const int64_t quiet_ms = ctx.now_ms() - refresh.grown_ms;
  const int64_t gap_ms = std::clamp(quiet_ms / config_.refresh_quiet_divisor,
                                    config_.refresh_gap_min_ms, config_.refresh_gap_max_ms);
  if (ctx.now_ms() - refresh.confirmed_ms < gap_ms) return;
  start_refresh(ctx, key, state);
}

void LinKvKafka::start_refresh(Context& ctx, const std::string& key, KeyState& state) {
  state.refresh.in_flight = true;
  const int64_t chunk = state.log.tail_chunk();
  const int64_t sent_ms = ctx.now_ms();
  ctx.call(config_.kv_service, KvReadBody{linkv::chunk_kv_key(key, chunk)}, config_.kv_timeout_ms,
           [this, key, chunk, sent_ms](Context& c, RpcResult result) {
             on_refresh_done(c, key, chunk, sent_ms, std::move(result));
           });
}

void LinKvKafka::on_refresh_done(Context& ctx, const std::string& key, int64_t chunk,
                                 int64_t sent_ms, RpcResult result) {
  KeyState& state = key_state(ctx, key);
  state.refresh.in_flight = false;
  if (result.ok()) {
    const int64_t entries = merge_read(ctx, key, state, chunk, result.value(), sent_ms);
    // A full chunk: the tail is further on; keep reading (one chunk a read).
    if (entries == state.log.chunk_entries() && state.log.tail_chunk() > chunk) {
      start_refresh(ctx, key, state);
    }
  } else if (key_missing(result.error())) {
    confirm_missing(state, chunk, sent_ms);
  }
  // A longer cache may settle a send's cas of unknown outcome.
  pump(ctx, key);
}

// --- commits --------------------------------------------------------------

void LinKvKafka::on_commit(Context& ctx, const Message& request) {
  for (const auto& [key, offset] : std::get<CommitOffsetsBody>(request.body).offsets) {
    auto [it, inserted] = commits_.try_emplace(key);
    CommitState& state = it->second;
    if (!inserted && offset <= state.local) continue;  // never backwards
    state.local = offset;
    dirty_commits_.insert(key);
  }
  // Acknowledged before lin-kv has it: commits are advisory (a consumer
  // resumes from them), and this node answers list_committed_offsets from
  // the local map, which never goes backwards.
  ctx.reply(request, CommitOffsetsOkBody{});
}

void LinKvKafka::on_list(Context& ctx, const Message& request) {
  const auto& keys = std::get<ListCommittedOffsetsBody>(request.body).keys;
  ctx.reply(request, list_reply(keys, [this](std::string_view key) { return committed(key); }));
  for (const std::string& key : keys) look_up_commit(ctx, key);
}

void LinKvKafka::look_up_commit(Context& ctx, const std::string& key) {
  CommitLookup& lookup = commit_lookups_[key];
  if (lookup.in_flight || lookups_in_flight_ >= config_.commit_lookups_in_flight_max ||
      ctx.now_ms() - lookup.last_ms < config_.commit_lookup_interval_ms) {
    return;
  }
  lookup.in_flight = true;
  lookup.last_ms = ctx.now_ms();
  ++lookups_in_flight_;
  ctx.call(config_.kv_service, KvReadBody{linkv::commit_kv_key(key)}, config_.kv_timeout_ms,
           [this, key](Context& c, RpcResult result) {
             commit_lookups_[key].in_flight = false;
             --lookups_in_flight_;
             if (!result.ok()) return;  // missing or unknown: nothing learned
             const auto* body = std::get_if<KvReadOkBody>(&result.value().body);
             if (body == nullptr || !body->value.is_integer()) {
               c.log(LogLevel::kWarn,
                     "linkv: commit/" + key + " does not hold an integer; ignored");
               return;
             }
             // Merged by maximum, so this node's answers never go backwards.
             const int64_t stored = body->value.integer();
             auto [it, inserted] = commits_.try_emplace(key);
             CommitState& state = it->second;
             if (inserted || stored > state.local) state.local = stored;
             if (!state.flushing && (!state.remote || *state.remote < stored))
               state.remote = stored;
           });
}

void LinKvKafka::flush_commits(Context& ctx) {
  for (const std::string& key : dirty_commits_) {
    if (flushes_in_flight_ >= config_.commit_flushes_in_flight_max) return;
    CommitState& state = commits_.at(key);
    if (state.flushing) continue;
    state.flushing = true;
    state.attempts = 0;
    ++flushes_in_flight_;
    cas_commit(ctx, key);
  }
}

// One step of the max-merging cas loop: from the value we believe lin-kv
// holds (or "create if missing" when we do not know) to our larger one.
void LinKvKafka::cas_commit(Context& ctx, const std::string& key) {
  CommitState& state = commits_.at(key);
  ++state.attempts;
  const int64_t to = state.local;
  // Offsets are never negative, so from = -1 matches no stored value.
  KvCasBody cas{linkv::commit_kv_key(key), Value(state.remote.value_or(-1)), Value(to),
                !state.remote.has_value()};
  ctx.call(config_.kv_service, std::move(cas), config_.kv_timeout_ms,
           [this, key, to](Context& c, RpcResult result) {
             on_commit_cas_done(c, key, to, std::move(result));
           });
}

void LinKvKafka::on_commit_cas_done(Context& ctx, const std::string& key, int64_t to,
                                    RpcResult result) {
  CommitState& state = commits_.at(key);
  if (result.ok()) {
    state.remote = to;
    return finish_flush(key);
  }
  // Refused: our idea of the stored value was wrong; look (the refusal
  // usually says what it is). Unknown: it may hold `to` or the old value, so
  // forget it.
  state.remote.reset();
  if (!refused(result.error())) return finish_flush(key);
  if (result.error().code == static_cast<int32_t>(ErrorCode::kPreconditionFailed)) {
    const auto current = linkv::current_value_of_refusal(result.error().text);
    if (current && current->is_integer()) return merge_remote_commit(ctx, key, current->integer());
    return read_commit(ctx, key);
  }
  // Missing: create it.
  if (state.attempts < config_.commit_cas_attempts_max) return cas_commit(ctx, key);
  finish_flush(key);
}

void LinKvKafka::read_commit(Context& ctx, const std::string& key) {
  ctx.call(config_.kv_service, KvReadBody{linkv::commit_kv_key(key)}, config_.kv_timeout_ms,
           [this, key](Context& c, RpcResult result) {
             on_commit_read_done(c, key, std::move(result));
           });
}

void LinKvKafka::on_commit_read_done(Context& ctx, const std::string& key, RpcResult result) {
  CommitState& state = commits_.at(key);
  if (result.ok()) {
    const auto* body = std::get_if<KvReadOkBody>(&result.value().body);
    if (body == nullptr || !body->value.is_integer()) {
      ctx.log(LogLevel::kWarn, "linkv: commit/" + key + " does not hold an integer; ignored");
      return finish_flush(key);
    }
    return merge_remote_commit(ctx, key, body->value.integer());
  }
  if (!key_missing(result.error())) return finish_flush(key);  // try again at the next flush
  if (state.attempts < config_.commit_cas_attempts_max) return cas_commit(ctx, key);
  finish_flush(key);
}

void LinKvKafka::merge_remote_commit(Context& ctx, const std::string& key, int64_t stored) {
  CommitState& state = commits_.at(key);
  state.remote = stored;
  // Another node's commit: merge it in (never backwards).
  state.local = std::max(state.local, stored);
  if (stored < state.local && state.attempts < config_.commit_cas_attempts_max) {
    return cas_commit(ctx, key);
  }
  finish_flush(key);
}

void LinKvKafka::finish_flush(const std::string& key) {
  CommitState& state = commits_.at(key);
  state.flushing = false;
  --flushes_in_flight_;
  if (state.remote.has_value() && *state.remote >= state.local) {
    dirty_commits_.erase(key);
  } else {
    dirty_commits_.insert(key);
  }
}

// --- invariants -----------------------------------------------------------

void LinKvKafka::check_invariants() const {
  for (const auto& [key, state] : keys_) {
    state.log.check_invariants();
    const Appender& appender = state.appender;
    EDDY_INVARIANT(std::ssize(appender.queue) <= config_.send_queue_max,
                   "linkv: send queue of key " + key + " over its bound");
    EDDY_INVARIANT(!appender.busy || appender.batch_size <= appender.queue.size(),
                   "linkv: the batch of key " + key + " is longer than its queue");
  }
  int32_t flushing = 0;
  for (const auto& [key, state] : commits_) {
    EDDY_INVARIANT(!state.remote.has_value() || *state.remote <= state.local,
                   "linkv: lin-kv holds a larger commit of " + key + " than the local map");
    if (state.flushing) ++flushing;
    auto [it, inserted] = checked_commits_.try_emplace(key, state.local);
    EDDY_INVARIANT(inserted || it->second <= state.local,
                   "linkv: the committed offset of " + key + " went backwards");
    it->second = state.local;
  }
  EDDY_INVARIANT(flushing == flushes_in_flight_, "linkv: flushes in flight miscounted");
}

}  // namespace eddy::core::kafka
