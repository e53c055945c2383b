// Builds the search's view of a register's history (prepared_register.h):
// drops what cannot matter, interns effects into kinds, assigns slots, and
// replays the invocations and completions in time order to record, for every
// completion, which known ops are pending and how many unknown ops exist.
#include "checker/linearizability/prepared_register.h"

#include <algorithm>
#include <cassert>
#include <map>
#include <queue>
#include <tuple>

namespace eddy::lin::detail {
namespace {

// What the op does, or false when it cannot matter and is dropped.
bool effect_of(const RegisterOp& op, const Semantics& semantics, Effect& effect) {
  const bool known = op.complete_time != kNever;
  switch (op.f) {
    case RegisterF::kRead:
      // An unknown read constrains nothing; Knossos's nil read matches any state.
      if (!known || (semantics.nil_read_matches_any && op.arg1 == kNil)) return false;
      effect = Effect{Effect::Kind::kCheckEq, op.arg1, kNil};
      return true;
    case RegisterF::kWrite:
      effect = Effect{Effect::Kind::kWrite, op.arg1, kNil};
      return true;
    case RegisterF::kCas:
      // cas(a, a) changes nothing: when it completed ok it is a read of a;
      // with an unknown outcome it may as well never have happened.
      if (op.arg1 == op.arg2) {
        if (!known) return false;
        effect = Effect{Effect::Kind::kCheckEq, op.arg1, kNil};
        return true;
      }
      effect = Effect{Effect::Kind::kCas, op.arg1, op.arg2};
      return true;
    case RegisterF::kFailedCas:
      if (!known) return false;
      effect = Effect{Effect::Kind::kCheckNe, op.arg1, kNil};
      return true;
  }
  return false;
}

// One invocation or completion. Invocations sort before completions at equal
// times, so that equal times read as "concurrent" (register_op.h).
struct TimedEvent {
  int64_t time = 0;
  bool completion = false;
  bool known = false;
  int32_t index = 0;  // into known or unknown

  friend bool operator<(const TimedEvent& x, const TimedEvent& y) {
    return std::tie(x.time, x.completion, x.known, x.index) <
           std::tie(y.time, y.completion, y.known, y.index);
  }
};

// Kinds are numbered cas first, then writes: the search tries unknown ops
// in kind order, and spending a cas(x, v) rather than a write(v) keeps the
// more useful op (a write can stand in for the cas, not the reverse).
void intern_unknown_kinds(PreparedRegister& prepared, const std::vector<Effect>& unknown_effects) {
  std::map<Effect, int32_t> kind_of;
  for (const Effect& effect : unknown_effects) kind_of.emplace(effect, 0);
  for (const bool writes : {false, true}) {
    for (auto& [effect, kind] : kind_of) {
      if ((effect.kind == Effect::Kind::kWrite) != writes) continue;
      kind = static_cast<int32_t>(prepared.kinds.size());
      prepared.kinds.push_back(UnknownKind{effect, -1});
    }
  }
  for (UnknownKind& kind : prepared.kinds) {
    if (kind.effect.kind != Effect::Kind::kCas) continue;
    const auto write = kind_of.find(Effect{Effect::Kind::kWrite, kind.effect.b, kNil});
    if (write != kind_of.end()) kind.write_of_target = write->second;
  }
  for (size_t i = 0; i < prepared.unknown.size(); ++i)
    prepared.unknown[i].kind = kind_of.at(unknown_effects[i]);
}

// Replays the history in time order: slots, pending sets, levels.
void replay(PreparedRegister& prepared) {
  std::vector<TimedEvent> events;
  for (size_t i = 0; i < prepared.known.size(); ++i) {
    const KnownOp& op = prepared.known[i];
    events.push_back(TimedEvent{op.invoke_time, false, true, static_cast<int32_t>(i)});
    events.push_back(TimedEvent{op.complete_time, true, true, static_cast<int32_t>(i)});
  }
  for (size_t i = 0; i < prepared.unknown.size(); ++i)
    events.push_back(
        TimedEvent{prepared.unknown[i].invoke_time, false, false, static_cast<int32_t>(i)});
  std::sort(events.begin(), events.end());

  // Unknown ops are renumbered in invocation order so that "invoked before
  // level L" is a prefix.
  std::vector<UnknownOp> unknown_by_invocation;
  std::priority_queue<int32_t, std::vector<int32_t>, std::greater<>> free_slots;
  std::vector<int32_t> pending;  // known ops in flight
  for (const TimedEvent& event : events) {
    if (!event.known) {
      unknown_by_invocation.push_back(prepared.unknown[static_cast<size_t>(event.index)]);
      continue;
    }
    KnownOp& op = prepared.known[static_cast<size_t>(event.index)];
    if (!event.completion) {
      if (free_slots.empty()) free_slots.push(prepared.slots++);
      op.slot = free_slots.top();
      free_slots.pop();
      pending.push_back(event.index);
      continue;
    }
    std::sort(pending.begin(), pending.end(), [&](int32_t x, int32_t y) {
      return std::tie(prepared.known[static_cast<size_t>(x)].complete_time, x) <
             std::tie(prepared.known[static_cast<size_t>(y)].complete_time, y);
    });
    assert(!pending.empty() && pending.front() == event.index);
    Level level;
    level.op = event.index;
    level.pending_begin = static_cast<int32_t>(prepared.pending.size());
    prepared.pending.insert(prepared.pending.end(), pending.begin(), pending.end());
    level.pending_end = static_cast<int32_t>(prepared.pending.size());
    level.unknown_invoked = static_cast<int32_t>(unknown_by_invocation.size());
    prepared.levels.push_back(level);
    pending.erase(pending.begin());
    free_slots.push(op.slot);
  }
  prepared.unknown = std::move(unknown_by_invocation);
}

}  // namespace

PreparedRegister prepare_register(std::span<const RegisterOp> input, const Semantics& semantics) {
  // A canonical order, so that nothing (ties in time included) depends on
  // the order the caller listed the ops in.
  std::vector<RegisterOp> ops(input.begin(), input.end());
  std::sort(ops.begin(), ops.end(), [](const RegisterOp& x, const RegisterOp& y) {
    return std::tie(x.invoke_time, x.complete_time, x.id, x.f, x.arg1, x.arg2) <
           std::tie(y.invoke_time, y.complete_time, y.id, y.f, y.arg1, y.arg2);
  });
  PreparedRegister prepared;
  std::vector<Effect> unknown_effects;
  std::map<Effect, int32_t> known_kinds;
  for (const RegisterOp& op : ops) {
    assert(op.invoke_time < op.complete_time && "an op must be invoked before it completes");
    Effect effect;
    if (!effect_of(op, semantics, effect)) continue;
    if (op.complete_time == kNever) {
      prepared.unknown.push_back(UnknownOp{0, op.invoke_time, op.id});
      unknown_effects.push_back(effect);
      continue;
    }
    const auto kind =
        known_kinds.emplace(effect, static_cast<int32_t>(known_kinds.size())).first->second;
    prepared.known.push_back(KnownOp{effect, kind, 0, op.invoke_time, op.complete_time, op.id});
  }
  intern_unknown_kinds(prepared, unknown_effects);
  replay(prepared);
  return prepared;
}

}  // namespace eddy::lin::detail
