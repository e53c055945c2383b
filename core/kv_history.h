// A key-value history as Jepsen records one (invocations and completions of
// read, write and cas on independent keys, in the order they happened), and
// its linearizability check: one cas-register search per key
// (checker/linearizability/), each failing key reported as its smallest
// window. The one implementation behind both the node's
// verify_linearizability RPC (core/verify_linearizability.h) and eddy-sim's
// lin-kv checker (checker/linkv_checker.h).
//
// Pure: no clock, no threads. A caller that wants keys searched in parallel
// passes a `for_each_key` runner; one that wants a deadline passes
// `should_stop`, which polls its own clock.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "checker/linearizability/register_check.h"
#include "core/kv_record.h"
#include "core/result.h"
#include "core/value.h"

namespace eddy::core {

struct KvKeyVerdict {
  Value key;
  lin::Verdict verdict = lin::Verdict::kLinearizable;
  int64_t ops = 0;  // ops of the key that took part in the search
  int64_t states_explored = 0;
  std::string unknown_reason;
  std::optional<KvViolation> violation;
};

// Runs task(i) for every i in [0, n), in any order or concurrently.
using ForEachKey = std::function<void(size_t n, const std::function<void(size_t)>& task)>;

struct KvCheckOptions {
  // Search configurations per key, and in all (a key reached with the total
  // spent is unknown without a search; with for_each_key running keys
  // concurrently the total is a soft bound, each key still stops at its own).
  int64_t states_max_per_key = 100'000'000;
  int64_t states_max_total = INT64_MAX;
  std::function<bool()> should_stop;  // polled by the search; true stops it (unknown)
  ForEachKey for_each_key;            // empty: one key after the other
  bool nil_read_matches_any = false;  // Knossos's reading of a read of nil
};

// A history that cannot be paired (a completion with no invocation in
// flight, an invocation while one is in flight, a completion of another f
// or key, a write or cas without its arguments, an ok read without a value):
// the first bad record's position and why.
struct KvHistoryError {
  int64_t position = 0;
  std::string message;
};

// Every key's verdict, in key order (Value's order). Failed ops never
// happened; reads that are not ok constrain nothing; writes and cas that are
// not known to have completed may take effect at any instant after their
// invocation, or never (Knossos's semantics, checker/linearizability/README.md).
Result<std::vector<KvKeyVerdict>, KvHistoryError> check_kv_history(
    std::span<const KvHistoryRecord> records, const KvCheckOptions& options = {});

}  // namespace eddy::core
