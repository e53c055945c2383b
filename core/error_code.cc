#include "core/error_code.h"

#include <array>

namespace eddy::core {
namespace {

constexpr std::array<ErrorInfo, 11> kTable{{
    {ErrorCode::kTimeout, "timeout", false},
    {ErrorCode::kNodeNotFound, "node-not-found", true},
    {ErrorCode::kNotSupported, "not-supported", true},
    {ErrorCode::kTemporarilyUnavailable, "temporarily-unavailable", true},
    {ErrorCode::kMalformedRequest, "malformed-request", true},
    {ErrorCode::kCrash, "crash", false},
    {ErrorCode::kAbort, "abort", true},
    {ErrorCode::kKeyDoesNotExist, "key-does-not-exist", true},
    {ErrorCode::kKeyAlreadyExists, "key-already-exists", true},
    {ErrorCode::kPreconditionFailed, "precondition-failed", true},
    {ErrorCode::kTxnConflict, "txn-conflict", true},
}};

}  // namespace

std::optional<ErrorInfo> error_info(int32_t code) {
  for (const ErrorInfo& row : kTable) {
    if (static_cast<int32_t>(row.code) == code) return row;
  }
  return std::nullopt;
}

bool is_definite(int32_t code) {
  const auto row = error_info(code);
  return row.has_value() && row->definite;
}

std::string_view error_name(int32_t code) {
  const auto row = error_info(code);
  return row ? row->name : std::string_view{"unknown"};
}

}  // namespace eddy::core
