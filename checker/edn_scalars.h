// Internal to the EDN reader (edn.h): the text of scalars, apart from the
// parser's loop. UTF-8 (checking and encoding, as strings and names must be
// valid UTF-8 for Eddy's JSON), the four hex digits of a \uXXXX escape, and
// the syntax of numbers: which tokens are int64 integers or doubles, and why
// the others are refused.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "checker/edn.h"
#include "core/result.h"

namespace eddy::checker::detail {

// Length of the UTF-8 sequence at [p, end), p < end: 1 to 4; 0 when it is
// invalid (overlong, a surrogate, beyond U+10FFFF, a stray continuation
// byte); -1 when `end` cuts it off.
int utf8_length(const char* p, const char* end);
bool is_valid_utf8(std::string_view text);
// pre: codepoint <= 0x10FFFF and not a surrogate.
void append_utf8(std::string& out, uint32_t codepoint);

// Four hex digits at p (which must have four bytes); nullopt otherwise.
std::optional<uint32_t> hex4(const char* p);

struct EdnNumber {
  EdnKind kind;      // kInteger or kFloat
  uint64_t payload;  // the int64 or the double's bits, as EdnNode keeps them
};
// A token that starts like a number ([+-]?[0-9]...): integers (with an
// optional N when the value fits int64; Clojure's 0x hex too) and floats
// (fraction and/or exponent). The error completes "'<token>' ...": "is a
// ratio, not supported", "is beyond the range of a 64-bit integer"...
core::Result<EdnNumber, std::string> parse_edn_number(std::string_view token);

}  // namespace eddy::checker::detail
