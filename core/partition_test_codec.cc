// partition_test's fields on the wire. The reply's order follows seed 003's
// example (total_ops, ops_during_partition, ops_succeeded, ops_rejected,
// linearizable), then verify_linearizability's `violations`, then Eddy's
// extras; a leader that does not exist is null.
#include "core/partition_test_codec.h"

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/json_codec.h"
#include "core/json_writer.h"
#include "core/verify_codec.h"

namespace eddy::core {
namespace {

using nlohmann::json;

// The integer field `name`: its value, nullopt when absent, or an error text.
Result<std::optional<int64_t>, std::string> int_field(const json& body, std::string_view name) {
  const auto it = body.find(name);
  if (it == body.end()) return std::optional<int64_t>{};
  const auto integer = json_int64(*it);
  if (!integer) {
    return Err{"field '" + std::string(name) + "' must be an integer, got " +
               std::string(json_kind(*it))};
  }
  return std::optional<int64_t>{integer};
}

void append_name_or_null(std::string& out, const std::string& name) {
  if (name.empty()) {
    out.append("null");
  } else {
    append_string(out, name);
  }
}

void append_names(std::string& out, const std::vector<std::string>& names) {
  out.push_back('[');
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_string(out, names[i]);
  }
  out.push_back(']');
}

void append_count(std::string& out, std::string_view name, int64_t value) {
  out.append(",\"");
  out.append(name);
  out.append("\":");
  append_int(out, value);
}

}  // namespace

Result<PartitionTestBody, std::string> decode_partition_test(const json& body) {
  PartitionTestBody decoded;
  const std::pair<std::string_view, int64_t*> required[] = {
      {"cluster_size", &decoded.cluster_size},
      {"operations", &decoded.operations},
      {"partition_after_op", &decoded.partition_after_op},
      {"heal_after_op", &decoded.heal_after_op},
  };
  for (const auto& [name, target] : required) {
    auto value = int_field(body, name);
    if (!value) return Err{value.error()};
    if (!value.value()) return Err{"missing field '" + std::string(name) + "'"};
    *target = *value.value();
  }
  auto seed = int_field(body, "seed");
  if (!seed) return Err{seed.error()};
  decoded.seed = seed.value();
  if (const auto it = body.find("include_history"); it != body.end()) {
    if (!it->is_boolean()) {
      return Err{"field 'include_history' must be a boolean, got " + std::string(json_kind(*it))};
    }
    decoded.include_history = it->get<bool>();
  }
  return decoded;
}

void append_partition_test_fields(std::string& out, const PartitionTestBody& body) {
  append_count(out, "cluster_size", body.cluster_size);
  append_count(out, "operations", body.operations);
  append_count(out, "partition_after_op", body.partition_after_op);
  append_count(out, "heal_after_op", body.heal_after_op);
  if (body.seed) append_count(out, "seed", *body.seed);
  if (body.include_history) out.append(",\"include_history\":true");
}

void append_partition_test_ok_fields(std::string& out, const PartitionTestOkBody& body) {
  const PartitionTestReport& report = *body.report;
  append_count(out, "total_ops", report.total_ops);
  append_count(out, "ops_during_partition", report.ops_during_partition);
  append_count(out, "ops_succeeded", report.ops_succeeded);
  append_count(out, "ops_rejected", report.ops_rejected);
  append_verify_linearizability_ok_fields(out, report.check);  // linearizable, violations
  append_count(out, "ops_indeterminate", report.ops_indeterminate);
  append_count(out, "ops_not_issued", report.ops_not_issued);
  append_count(out, "ops_succeeded_during_partition", report.ops_succeeded_during_partition);
  out.append(",\"rejected_by_code\":{");
  for (size_t i = 0; i < report.rejected_by_code.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('"');
    append_int(out, report.rejected_by_code[i].first);
    out.append("\":");
    append_int(out, report.rejected_by_code[i].second);
  }
  out.append("},\"leader_before\":");
  append_name_or_null(out, report.leader_before);
  out.append(",\"leader_side\":");
  append_names(out, report.leader_side);
  out.append(",\"other_side\":");
  append_names(out, report.other_side);
  out.append(",\"majority_leader\":");
  append_name_or_null(out, report.majority_leader);
  out.append(",\"leader_after\":");
  append_name_or_null(out, report.leader_after);
  append_count(out, "elections", report.elections);
  append_count(out, "virtual_ms", report.virtual_ms);
  append_count(out, "seed", report.seed);
  if (report.history) {
    // verify_linearizability's record shape: the history can be sent back
    // to verify_linearizability as it is.
    append_verify_linearizability_fields(out, VerifyLinearizabilityBody{*report.history});
  }
}

}  // namespace eddy::core
