// Maelstrom's error table, in one place (maelstrom doc/protocol.md, "Errors").
//
// A *definite* error promises the client that the operation did not happen and
// never will; Jepsen records it as :fail. An indefinite one (timeout, crash,
// any code >= 1000) leaves the outcome open and is recorded as :info. Answering
// a definite code for an operation that may have happened is a correctness
// bug, so every call site chooses a code by asking "did it definitely not
// happen?".
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace eddy::core {

enum class ErrorCode : int32_t {
  kTimeout = 0,
  kNodeNotFound = 1,
  kNotSupported = 10,
  kTemporarilyUnavailable = 11,
  kMalformedRequest = 12,
  kCrash = 13,
  kAbort = 14,
  kKeyDoesNotExist = 20,
  kKeyAlreadyExists = 21,
  kPreconditionFailed = 22,
  kTxnConflict = 30,
};

struct ErrorInfo {
  ErrorCode code;
  std::string_view name;  // Maelstrom's keyword, e.g. "malformed-request"
  bool definite;
};

// The row for a known code; nullopt for codes Maelstrom does not define
// (including the free range >= 1000).
std::optional<ErrorInfo> error_info(int32_t code);

// Definite per Maelstrom's table. Unknown codes, and all codes >= 1000, are
// indefinite: a client must not assume an unknown error means "did not happen".
bool is_definite(int32_t code);

std::string_view error_name(int32_t code);  // "unknown" for codes not in the table

}  // namespace eddy::core
