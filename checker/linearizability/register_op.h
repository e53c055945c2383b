// The cas-register model as the linearizability search sees it: one register,
// operations with a real-time interval, values interned by the caller.
//
// This is Knossos's `cas-register` (knossos/model.clj), the model Maelstrom's
// lin-kv workload checks through jepsen.tests.linearizable-register:
//   write(v)      always legal; state := v
//   cas(from, to) legal iff state == from; state := to
//   read(v)       legal iff state == v (kNil: the key does not exist yet)
// plus one opt-in kind Knossos does not have, kFailedCas: a cas observed to
// fail, legal iff state != from, no effect (how Porcupine's etcd model reads
// `:fail :cas`; Maelstrom and Knossos drop every `:fail` instead).
//
// An op with complete_time == kNever has an unknown outcome (Jepsen's `:info`,
// or an invocation that never completed): it may take effect at any one
// instant after its invocation, or never. Ops that completed `:fail` never
// took effect and are simply not given to the search.
#pragma once

#include <cstdint>
#include <limits>

namespace eddy::lin {

// Values are interned by the caller; the search only compares them.
using ValueId = int32_t;
// The register before its first write. Callers intern real values elsewhere.
inline constexpr ValueId kNil = std::numeric_limits<ValueId>::min();
// complete_time of an op whose outcome is unknown.
inline constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

enum class RegisterF : uint8_t { kRead, kWrite, kCas, kFailedCas };

struct RegisterOp {
  RegisterF f = RegisterF::kRead;
  // read: the value read; write: the value written; cas and kFailedCas: from.
  ValueId arg1 = kNil;
  // cas: to. Unused otherwise.
  ValueId arg2 = kNil;
  // Real time. Op A precedes op B iff A.complete_time < B.invoke_time, so equal
  // times mean "concurrent". Precondition: invoke_time < complete_time.
  int64_t invoke_time = 0;
  int64_t complete_time = kNever;
  // The caller's handle; reported back in failures, never interpreted.
  int64_t id = 0;
};

// Which reading of the history's observations to use. The defaults are
// Maelstrom's (Knossos's cas-register with `:fail` dropped), except for the
// nil read, which Knossos lets match anything; see README.md.
struct Semantics {
  // Knossos's `(or (nil? v) (= value v))`: a read of kNil constrains nothing.
  bool nil_read_matches_any = false;
  // Level 2 only (check_history): turn `:fail :cas` into kFailedCas ops instead
  // of dropping them.
  bool failed_cas_observed = false;
};

}  // namespace eddy::lin
