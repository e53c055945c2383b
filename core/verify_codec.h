// The wire form of verify_linearizability (docs/verify-linearizability.md):
// the request's `history` array decoded into typed records, and the reply's
// fields encoded. Part of the codec (json_codec.cc calls these); nothing
// else in core sees the JSON.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/limits.h"
#include "core/message.h"
#include "core/result.h"

namespace eddy::core {

// Decodes a verify_linearizability body. The error names the first record
// that is wrong ("history[17]: a cas invocation needs ...").
Result<VerifyLinearizabilityBody, std::string> decode_verify_linearizability(
    const nlohmann::json& body, const Limits& limits);

// Appends the fields after type/msg_id/in_reply_to.
void append_verify_linearizability_fields(std::string& out, const VerifyLinearizabilityBody& body);
void append_verify_linearizability_ok_fields(std::string& out,
                                             const VerifyLinearizabilityOkBody& body);

}  // namespace eddy::core
