// The wire form of partition_test (docs/partition-test.md): the request's
// fields decoded into a PartitionTestBody, and both bodies' fields encoded.
// Part of the codec (json_codec.cc calls these); nothing else in core sees
// the JSON.
//
// The decoder checks presence and JSON types only; the ranges (cluster size,
// op counts, partition before heal) are the runner's to check
// (validate_partition_test in core/partition_test.h), so that a Node driven
// without the codec refuses the same requests with the same texts.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/message.h"
#include "core/result.h"

namespace eddy::core {

// Decodes a partition_test body; the error names the first bad field
// ("field 'operations' must be an integer, got a string").
Result<PartitionTestBody, std::string> decode_partition_test(const nlohmann::json& body);

// Append the fields after type/msg_id/in_reply_to.
void append_partition_test_fields(std::string& out, const PartitionTestBody& body);
void append_partition_test_ok_fields(std::string& out, const PartitionTestOkBody& body);

}  // namespace eddy::core
