// Terse constructors for hand-written register histories in tests: an op
// is (id, values, invoke time, complete time), kNever for unknown outcome.
#pragma once

#include <cstdint>

#include "checker/linearizability/register_op.h"

namespace eddy::lin::testing {

inline RegisterOp write_op(int64_t id, ValueId value, int64_t invoke, int64_t complete) {
  return RegisterOp{RegisterF::kWrite, value, kNil, invoke, complete, id};
}
inline RegisterOp read_op(int64_t id, ValueId value, int64_t invoke, int64_t complete) {
  return RegisterOp{RegisterF::kRead, value, kNil, invoke, complete, id};
}
inline RegisterOp cas_op(int64_t id, ValueId from, ValueId to, int64_t invoke, int64_t complete) {
  return RegisterOp{RegisterF::kCas, from, to, invoke, complete, id};
}
inline RegisterOp failed_cas_op(int64_t id, ValueId from, ValueId to, int64_t invoke,
                                int64_t complete) {
  return RegisterOp{RegisterF::kFailedCas, from, to, invoke, complete, id};
}

}  // namespace eddy::lin::testing
