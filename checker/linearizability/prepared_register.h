// The search's view of one register's history (internal to the library):
// what prepare_register keeps of the caller's ops, in the shape the
// depth-first search (register_check.cc) walks.
//
// - Ops that cannot matter are dropped: unknown-outcome reads and failed-cas
//   observations (they constrain nothing), unknown cas(a, a) (no effect), and,
//   with nil_read_matches_any, reads of nil (always legal, no effect).
// - Known ops (they completed ok) get a slot: a bit in a configuration's
//   mask, reused once the op has completed, so that a mask is only as wide as
//   the history's concurrency.
// - Unknown-outcome writes and cas ops are grouped into kinds by (f, args):
//   two invoked ops of one kind are interchangeable for ever (no completion
//   bounds them), so a configuration counts how many of each kind it used.
// - A level is the completion of one known op, in time order: the points at
//   which just-in-time linearization must have placed that op.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "checker/linearizability/register_op.h"

namespace eddy::lin::detail {

// What an op does to the register. kCheckEq and kCheckNe are identities
// guarded by a predicate (reads, ok cas(a, a), observed failed cas).
struct Effect {
  enum class Kind : uint8_t { kCheckEq, kCheckNe, kWrite, kCas };
  Kind kind = Kind::kCheckEq;
  ValueId a = kNil;  // checked value, written value, or cas from
  ValueId b = kNil;  // cas to

  bool identity() const { return kind == Kind::kCheckEq || kind == Kind::kCheckNe; }
  bool legal(ValueId state) const {
    switch (kind) {
      case Kind::kCheckEq:
      case Kind::kCas:
        return state == a;
      case Kind::kCheckNe:
        return state != a;
      case Kind::kWrite:
        return true;
    }
    return false;
  }
  ValueId next(ValueId state) const {
    switch (kind) {
      case Kind::kWrite:
        return a;
      case Kind::kCas:
        return b;
      default:
        return state;
    }
  }
  friend auto operator<=>(const Effect&, const Effect&) = default;
};

struct KnownOp {
  Effect effect;
  // Ops with equal effects share a kind: of two pending ones, the search
  // only ever linearizes the one that completes first (an exchange argument,
  // README.md).
  int32_t kind = 0;
  int32_t slot = 0;
  int64_t invoke_time = 0;
  int64_t complete_time = 0;
  int64_t id = 0;
};

struct UnknownKind {
  Effect effect;  // kWrite or kCas
  // For a cas kind: the write kind with the cas's `to` as its value, or -1.
  // A spare write(v) can stand in for a spare cas(x, v) (dominance).
  int32_t write_of_target = -1;
};

struct UnknownOp {
  int32_t kind = 0;
  int64_t invoke_time = 0;
  int64_t id = 0;
};

struct Level {
  int32_t op = 0;  // the known op completing here
  // Known ops pending at this completion (invoked, not completed), this op
  // included, by completion time: pending[pending_begin, pending_end).
  int32_t pending_begin = 0;
  int32_t pending_end = 0;
  // How many unknown ops (in invocation order) were invoked before it.
  int32_t unknown_invoked = 0;
};

struct PreparedRegister {
  std::vector<KnownOp> known;
  std::vector<UnknownKind> kinds;  // cas kinds, then write kinds, each by effect
  std::vector<UnknownOp> unknown;  // by invocation
  std::vector<Level> levels;       // by completion
  std::vector<int32_t> pending;    // indices into known
  int32_t slots = 0;               // the most known ops ever pending at once
};

PreparedRegister prepare_register(std::span<const RegisterOp> ops, const Semantics& semantics);

}  // namespace eddy::lin::detail
