// Maelstrom's error table (maelstrom doc/protocol.md, "Errors"), row by row.
// A wrong `definite` flag is a correctness bug the checker can see, so every
// row is pinned here independently of core/error_code.cc.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string_view>

#include "core/error_code.h"

namespace eddy::core {
namespace {

struct Row {
  int32_t code;
  std::string_view name;
  bool definite;
};

constexpr Row kMaelstromTable[] = {
    {0, "timeout", false},
    {1, "node-not-found", true},
    {10, "not-supported", true},
    {11, "temporarily-unavailable", true},
    {12, "malformed-request", true},
    {13, "crash", false},
    {14, "abort", true},
    {20, "key-does-not-exist", true},
    {21, "key-already-exists", true},
    {22, "precondition-failed", true},
    {30, "txn-conflict", true},
};

bool in_table(int32_t code) {
  for (const Row& row : kMaelstromTable) {
    if (row.code == code) return true;
  }
  return false;
}

TEST(ErrorCode, EveryMaelstromRowHasItsNameAndDefiniteness) {
  for (const Row& row : kMaelstromTable) {
    SCOPED_TRACE(testing::Message() << "code " << row.code);
    const auto info = error_info(row.code);
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(static_cast<int32_t>(info->code), row.code);
    EXPECT_EQ(info->name, row.name);
    EXPECT_EQ(info->definite, row.definite);
    EXPECT_EQ(is_definite(row.code), row.definite);
    EXPECT_EQ(error_name(row.code), row.name);
  }
}

TEST(ErrorCode, EnumeratorsCarryTheWireCodes) {
  EXPECT_EQ(static_cast<int32_t>(ErrorCode::kTimeout), 0);
  EXPECT_EQ(static_cast<int32_t>(ErrorCode::kNodeNotFound), 1);
  EXPECT_EQ(static_cast<int32_t>(ErrorCode::kNotSupported), 10);
  EXPECT_EQ(static_cast<int32_t>(ErrorCode::kTemporarilyUnavailable), 11);
  EXPECT_EQ(static_cast<int32_t>(ErrorCode::kMalformedRequest), 12);
  EXPECT_EQ(static_cast<int32_t>(ErrorCode::kCrash), 13);
  EXPECT_EQ(static_cast<int32_t>(ErrorCode::kAbort), 14);
  EXPECT_EQ(static_cast<int32_t>(ErrorCode::kKeyDoesNotExist), 20);
  EXPECT_EQ(static_cast<int32_t>(ErrorCode::kKeyAlreadyExists), 21);
  EXPECT_EQ(static_cast<int32_t>(ErrorCode::kPreconditionFailed), 22);
  EXPECT_EQ(static_cast<int32_t>(ErrorCode::kTxnConflict), 30);
}

TEST(ErrorCode, OnlyTimeoutAndCrashAreIndefiniteInsideTheTable) {
  EXPECT_FALSE(is_definite(0));
  EXPECT_FALSE(is_definite(13));
  int definite_rows = 0;
  for (const Row& row : kMaelstromTable) definite_rows += is_definite(row.code) ? 1 : 0;
  EXPECT_EQ(definite_rows, 9);
}

TEST(ErrorCode, UnknownCodesBelow1000AreUnknownAndIndefinite) {
  for (int32_t code = 0; code < 1000; ++code) {
    if (in_table(code)) continue;
    SCOPED_TRACE(testing::Message() << "code " << code);
    EXPECT_FALSE(error_info(code).has_value());
    EXPECT_EQ(error_name(code), "unknown");
    EXPECT_FALSE(is_definite(code));
  }
}

TEST(ErrorCode, FreeRangeFrom1000IsAlwaysIndefinite) {
  for (const int32_t code :
       {1000, 1001, 1011, 1012, 5000, 65535, std::numeric_limits<int32_t>::max()}) {
    SCOPED_TRACE(testing::Message() << "code " << code);
    EXPECT_FALSE(error_info(code).has_value());
    EXPECT_FALSE(is_definite(code));
    EXPECT_EQ(error_name(code), "unknown");
  }
}

TEST(ErrorCode, NegativeCodesAreUnknownAndIndefinite) {
  for (const int32_t code : {-1, -12, std::numeric_limits<int32_t>::min()}) {
    SCOPED_TRACE(testing::Message() << "code " << code);
    EXPECT_FALSE(error_info(code).has_value());
    EXPECT_FALSE(is_definite(code));
    EXPECT_EQ(error_name(code), "unknown");
  }
}

}  // namespace
}  // namespace eddy::core
