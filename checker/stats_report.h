// How every checker shows Maelstrom's stats: the per-f table of the text
// report and the JSON of results.json, and Jepsen's :valid? as JSON.
// Internal to the checkers.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "checker/verdict.h"

namespace eddy::checker::detail {

// true, false or "unknown", as Jepsen's :valid? is true, false or :unknown.
nlohmann::json validity_json(Validity validity);

// f -> {invoke, ok, fail, info, latency_ok, latency_all}.
nlohmann::json by_f_json(const std::map<std::string, FStats>& by_f);

// "ops:" and one line per f: counts and ok latency quantiles.
std::string format_ops_table(const std::map<std::string, FStats>& by_f);

}  // namespace eddy::checker::detail
