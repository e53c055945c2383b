#include "core/verify_linearizability.h"

#include <utility>

#include "core/error_code.h"
#include "core/kv_history.h"

namespace eddy::core {

Body answer_verify_linearizability(const VerifyLinearizabilityBody& request, const Limits& limits) {
  KvCheckOptions options;
  options.states_max_total = limits.verify_search_states_max;
  options.states_max_per_key = limits.verify_search_states_max;
  auto verdicts = check_kv_history(request.history, options);
  if (!verdicts) {
    return ErrorBody{
        static_cast<int32_t>(ErrorCode::kMalformedRequest),
        "history[" + std::to_string(verdicts.error().position) + "]: " + verdicts.error().message};
  }
  VerifyLinearizabilityOkBody ok;
  for (KvKeyVerdict& verdict : verdicts.value()) {
    if (verdict.verdict == lin::Verdict::kNotLinearizable) {
      ok.linearizable = false;
      if (verdict.violation) {
        ok.violations.push_back({std::move(verdict.key), std::move(*verdict.violation)});
      }
    }
  }
  if (!ok.linearizable) return ok;  // a violation is a verdict, whatever else is unknown
  for (const KvKeyVerdict& verdict : verdicts.value()) {
    if (verdict.verdict == lin::Verdict::kUnknown) {
      return ErrorBody{static_cast<int32_t>(ErrorCode::kCrash),
                       "linearizability unknown: key " + verdict.key.to_json_text() + ": " +
                           verdict.unknown_reason + " (verify_search_states_max " +
                           std::to_string(limits.verify_search_states_max) + ")"};
    }
  }
  return ok;
}

}  // namespace eddy::core
