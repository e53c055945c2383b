// The budget every phase of one check_register call spends from (internal
// to the library): configurations generated, against SearchLimits, with
// should_stop polled every kStopPollStates of them. A phase may be given a
// cap below the limit; running into the cap is not running out.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

#include "checker/linearizability/register_check.h"

namespace eddy::lin::detail {

class SearchBudget {
 public:
  explicit SearchBudget(const SearchLimits& limits) : limits_(limits), cap_(limits.states_max) {}

  // Counts one configuration; false when the cap, the limit or should_stop
  // says to stop (exhausted() then tells which).
  bool spend() {
    if (exhausted_ || used_ >= cap_) {
      if (used_ >= limits_.states_max && !exhausted_) {
        exhausted_ = true;
        reason_ =
            "the state budget of " + std::to_string(limits_.states_max) + " configurations ran out";
      }
      return false;
    }
    ++used_;
    if (used_ % kStopPollStates == 0 && limits_.should_stop && limits_.should_stop()) {
      exhausted_ = true;
      reason_ = "should_stop asked to stop after " + std::to_string(used_) + " configurations";
      return false;
    }
    return true;
  }

  // Limits the next spending to `states` more (never above the limit).
  void cap_at(int64_t states) { cap_ = std::min(limits_.states_max, used_ + states); }
  void uncap() { cap_ = limits_.states_max; }

  bool exhausted() const { return exhausted_; }
  const std::string& reason() const { return reason_; }
  int64_t used() const { return used_; }

 private:
  const SearchLimits& limits_;
  int64_t cap_;
  int64_t used_ = 0;
  bool exhausted_ = false;
  std::string reason_;
};

}  // namespace eddy::lin::detail
