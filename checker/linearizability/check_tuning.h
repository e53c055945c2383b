// The one knob of check_register's phases (internal to the library; tests
// turn it to force the later phases on small histories, which the direct
// search alone would settle).
#pragma once

#include <cstdint>
#include <span>

#include "checker/linearizability/register_check.h"

namespace eddy::lin::detail {

struct CheckTuning {
  // The direct search's cap: enough for the greedy path and some
  // backtracking, small enough that a hard history soon moves on to the
  // relaxation (register_check.cc).
  int64_t direct_states_per_level = 16;
  int64_t direct_states_base = 4096;
};

SearchResult check_register_tuned(std::span<const RegisterOp> ops, const SearchLimits& limits,
                                  const Semantics& semantics, const CheckTuning& tuning);

}  // namespace eddy::lin::detail
