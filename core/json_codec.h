// The JSON codec: the one place where Maelstrom's wire format is parsed and
// written. Lines in, typed Messages out, and back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/error_code.h"
#include "core/limits.h"
#include "core/message.h"
#include "core/result.h"

namespace eddy::core {

// Why a line could not become a Message, and whatever of its envelope could
// still be read, so that the node can answer the sender when it is known.
struct DecodeError {
  ErrorCode code = ErrorCode::kMalformedRequest;
  std::string text;
  std::optional<std::string> src;
  std::optional<std::string> dest;
  std::optional<int64_t> msg_id;

  // An error reply needs someone to send it to and a request to answer.
  bool replyable() const { return src.has_value() && msg_id.has_value(); }
};

using DecodeResult = Result<Message, DecodeError>;

// Parses one line (without its newline). Never throws, never recurses deeper
// than `limits.json_depth_max`, and rejects lines over `limits.line_bytes_max`
// after reading only their envelope. A `type` the codec does not know decodes
// to UnknownBody (the node answers error 10); a known type with a missing or
// mistyped field is a DecodeError with code 12.
DecodeResult decode_line(std::string_view line, const Limits& limits);

// decode_line without its fast path (core/fast_decode.h): the reference the
// fast path must agree with, for tests and benchmarks.
DecodeResult decode_line_via_dom(std::string_view line, const Limits& limits);

// Appends the message as one JSON line, including the trailing '\n'.
void encode_line(const Message& message, std::string& out);
std::string encode_line(const Message& message);

// What kind of JSON value this is, for error texts ("an array", "null", ...).
std::string_view json_kind(const nlohmann::json& value);

// The integer `value` holds, if int64 can hold it (nlohmann keeps integers
// above INT64_MAX as unsigned); nullopt for anything else.
std::optional<int64_t> json_int64(const nlohmann::json& value);

// Scans `text` for the nesting depth of its arrays and objects, stopping as
// soon as it exceeds `depth_max`. Strings are skipped, escapes honoured.
// Returns the depth reached (capped at depth_max + 1).
int32_t json_depth(std::string_view text, int32_t depth_max);

}  // namespace eddy::core
