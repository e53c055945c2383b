// rapidcheck properties of check_register against a sequential model and the
// brute-force oracle (oracle.h):
//  (a) a history made by running ops one at a time on a register, each
//      given a random real-time interval around its instant (and some given
//      an unknown outcome, taking effect or not), is linearizable;
//  (b) corrupting one read of such a history gives the oracle's verdict and
//      failure window;
//  (c) on random small histories the engine and the oracle agree, failure
//      window included.
//  (d) on histories too long for the oracle, the later phases agree with
//      the direct search.
// Each is checked twice: as check_register runs, and with the direct
// search given no budget, so that the later phases (relaxation, pruned
// searches, window probes) are what answers.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "checker/linearizability/check_tuning.h"
#include "checker/linearizability/register_check.h"
#include "tests/linearizability/oracle.h"

namespace eddy::lin {
namespace {

const SearchLimits kLimits{10'000'000, {}};

std::string describe(const std::vector<RegisterOp>& ops) {
  static const char* kNames[] = {"read", "write", "cas", "failed-cas"};
  std::ostringstream out;
  const auto value = [](ValueId v) { return v == kNil ? std::string("nil") : std::to_string(v); };
  for (const RegisterOp& op : ops) {
    out << "  #" << op.id << " " << kNames[static_cast<int>(op.f)] << "(" << value(op.arg1);
    if (op.f == RegisterF::kCas || op.f == RegisterF::kFailedCas) out << ", " << value(op.arg2);
    out << ") [" << op.invoke_time << ", "
        << (op.complete_time == kNever ? std::string("never") : std::to_string(op.complete_time))
        << "]\n";
  }
  return out.str();
}

// Distinct times for op k: its instant is 1000 k; it is invoked up to
// `before` instants earlier and completes up to `after` later. The offsets
// keep every time distinct (invokes end in 999 - k, completions in 501 + k).
int64_t invoke_time_of(int k, int before) { return 1000LL * (k - before) - 1 - k; }
int64_t complete_time_of(int k, int after) { return 1000LL * (k + after) + 501 + k; }

// nil, 0, 1 or 2: few values, so that reads often match.
rc::Gen<ValueId> value_gen() {
  return rc::gen::map(rc::gen::inRange(-1, 3), [](int v) { return v < 0 ? kNil : v; });
}
ValueId gen_value() { return *value_gen(); }

// A history of up to `ops_max` ops run one at a time on a register, then,
// with `final_read`, an ok read of what it holds.
std::vector<RegisterOp> gen_sequential_history(int ops_max, bool final_read = false) {
  const int count = *rc::gen::inRange(1, ops_max + 1);
  std::vector<RegisterOp> ops;
  ValueId state = kNil;
  for (int k = 0; k < count; ++k) {
    RegisterOp op;
    op.id = k;
    op.invoke_time = invoke_time_of(k, *rc::gen::inRange(0, 4));
    op.complete_time = complete_time_of(k, *rc::gen::inRange(0, 4));
    const bool unknown = *rc::gen::inRange(0, 5) == 0;
    const bool takes_effect = !unknown || *rc::gen::arbitrary<bool>();
    if (unknown) op.complete_time = kNever;
    switch (*rc::gen::inRange(0, 3)) {
      case 0:
        op.f = RegisterF::kRead;
        op.arg1 = unknown ? gen_value() : state;  // an unknown read's value is noise
        break;
      case 1:
        op.f = RegisterF::kWrite;
        op.arg1 = *rc::gen::inRange(0, 3);
        if (takes_effect) state = op.arg1;
        break;
      default: {
        op.f = RegisterF::kCas;
        op.arg1 = *rc::gen::arbitrary<bool>() ? state : gen_value();
        op.arg2 = *rc::gen::inRange(0, 3);
        if (takes_effect && state == op.arg1) {
          state = op.arg2;
        } else if (!unknown) {
          // The cas failed: Maelstrom drops it; an observation says "not from".
          if (*rc::gen::arbitrary<bool>()) continue;
          op.f = RegisterF::kFailedCas;
        }
      }
    }
    ops.push_back(op);
  }
  if (final_read) {
    ops.push_back(RegisterOp{RegisterF::kRead, state, kNil, invoke_time_of(count, 0),
                             complete_time_of(count, 0), count});
  }
  return ops;
}

// Ops with random types, values and intervals: mostly not linearizable.
std::vector<RegisterOp> gen_random_history(int ops_max) {
  const int count = *rc::gen::inRange(1, ops_max + 1);
  std::vector<RegisterOp> ops;
  for (int k = 0; k < count; ++k) {
    RegisterOp op;
    op.id = k;
    op.f = static_cast<RegisterF>(*rc::gen::inRange(0, 4));
    op.arg1 = gen_value();
    op.arg2 = *rc::gen::inRange(0, 3);
    // Even invokes, odd completions: distinct for up to 50 ops.
    op.invoke_time = *rc::gen::inRange(0, 20) * 100 + 2 * k;
    op.complete_time =
        *rc::gen::inRange(0, 5) == 0 ? kNever : op.invoke_time + *rc::gen::inRange(1, 20) * 100 + 1;
    ops.push_back(op);
  }
  return ops;
}

Semantics gen_semantics() {
  Semantics semantics;
  semantics.nil_read_matches_any = *rc::gen::inRange(0, 4) == 0;
  return semantics;
}

// The direct search alone settles small histories; with no budget for it,
// the relaxation, the pruned searches and the window probes do.
const detail::CheckTuning kPhasesForced{0, 0};

// The engine's verdict and failure window equal the oracle's, whichever
// phase settles them.
void assert_agrees_with_oracle(const std::vector<RegisterOp>& ops, const Semantics& semantics) {
  RC_LOG() << "nil_read_matches_any=" << semantics.nil_read_matches_any << "\n" << describe(ops);
  const testing::OracleResult oracle = testing::oracle_check(ops, semantics);
  RC_TAG(oracle.linearizable ? "linearizable" : "not linearizable");
  for (const bool forced : {false, true}) {
    RC_LOG() << (forced ? "phases forced" : "default phases") << "\n";
    const SearchResult result =
        forced ? detail::check_register_tuned(ops, kLimits, semantics, kPhasesForced)
               : check_register(ops, kLimits, semantics);
    RC_ASSERT(result.verdict != Verdict::kUnknown);
    RC_ASSERT((result.verdict == Verdict::kLinearizable) == oracle.linearizable);
    if (oracle.linearizable) continue;
    RC_ASSERT(result.failure.has_value());
    RC_ASSERT(result.failure->window_exact);
    RC_ASSERT(result.failure->op_id == oracle.failing_op_id);
    RC_ASSERT(result.failure->values_before == oracle.values_before);
  }
}

RC_GTEST_PROP(RegisterProperty, SequentialHistoriesAreLinearizable, ()) {
  const auto ops = gen_sequential_history(40);
  const Semantics semantics = gen_semantics();
  RC_LOG() << describe(ops);
  RC_ASSERT(check_register(ops, kLimits, semantics).verdict == Verdict::kLinearizable);
  RC_ASSERT(detail::check_register_tuned(ops, kLimits, semantics, kPhasesForced).verdict ==
            Verdict::kLinearizable);
}

RC_GTEST_PROP(RegisterProperty, CorruptedReadMatchesTheOracle, ()) {
  auto ops = gen_sequential_history(6, true);
  std::vector<size_t> reads;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].f == RegisterF::kRead && ops[i].complete_time != kNever) reads.push_back(i);
  }
  RegisterOp& read = ops[*rc::gen::elementOf(reads)];
  read.arg1 = *rc::gen::distinctFrom(value_gen(), read.arg1);
  assert_agrees_with_oracle(ops, gen_semantics());
}

RC_GTEST_PROP(RegisterProperty, RandomHistoriesMatchTheOracle, ()) {
  assert_agrees_with_oracle(gen_random_history(7), gen_semantics());
}

// (d) Histories too long for the oracle, corrupted so that they often fail
// late: the later phases agree with the direct search, which settles them
// exhaustively.
RC_GTEST_PROP(RegisterProperty, LaterPhasesMatchTheDirectSearch, ()) {
  auto ops = gen_sequential_history(29, true);
  std::vector<size_t> reads;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].f == RegisterF::kRead && ops[i].complete_time != kNever) reads.push_back(i);
  }
  RegisterOp& read = ops[*rc::gen::elementOf(reads)];
  read.arg1 = *rc::gen::distinctFrom(value_gen(), read.arg1);
  const Semantics semantics = gen_semantics();
  RC_LOG() << describe(ops);
  const SearchResult direct = check_register(ops, kLimits, semantics);
  const SearchResult phases = detail::check_register_tuned(ops, kLimits, semantics, kPhasesForced);
  RC_TAG(to_string(direct.verdict));
  RC_ASSERT(direct.verdict != Verdict::kUnknown);
  RC_ASSERT(phases.verdict == direct.verdict);
  RC_ASSERT(phases.failure == direct.failure);
}

}  // namespace
}  // namespace eddy::lin
