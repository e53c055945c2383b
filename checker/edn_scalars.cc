// UTF-8, the digits of \uXXXX escapes, and number syntax for the EDN parser
// (edn_scalars.h).
#include "checker/edn_scalars.h"

#include <bit>
#include <charconv>
#include <limits>
#include <system_error>

namespace eddy::checker::detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The digits of a 0x integer (Clojure's; not EDN).
core::Result<EdnNumber, std::string> hex_number(std::string_view hex, bool negative) {
  uint64_t magnitude = 0;
  const auto [ptr, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), magnitude, 16);
  if (ptr != hex.data() + hex.size()) return core::Err{std::string("is not a number")};
  constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (ec != std::errc() || magnitude > kMax + (negative ? 1 : 0)) {
    return core::Err{std::string("is beyond the range of a 64-bit integer")};
  }
  return EdnNumber{EdnKind::kInteger, negative ? ~magnitude + 1 : magnitude};
}

}  // namespace

int utf8_length(const char* p, const char* end) {
  const auto b0 = static_cast<unsigned char>(p[0]);
  if (b0 < 0x80) return 1;
  int length = 0;
  uint32_t min = 0;
  uint32_t codepoint = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2, min = 0x80, codepoint = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3, min = 0x800, codepoint = b0 & 0x0Fu;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4, min = 0x10000, codepoint = b0 & 0x07u;
  } else {
    return 0;
  }
  for (int i = 1; i < length; ++i) {
    if (p + i >= end) return -1;
    const auto b = static_cast<unsigned char>(p[i]);
    if ((b & 0xC0) != 0x80) return 0;
    codepoint = (codepoint << 6) | (b & 0x3Fu);
  }
  if (codepoint < min || codepoint > 0x10FFFF || (codepoint >= 0xD800 && codepoint <= 0xDFFF)) {
    return 0;
  }
  return length;
}

bool is_valid_utf8(std::string_view text) {
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    const int length = utf8_length(p, end);
    if (length <= 0) return false;
    p += length;
  }
  return true;
}

void append_utf8(std::string& out, uint32_t codepoint) {
  if (codepoint < 0x80) {
    out.push_back(static_cast<char>(codepoint));
  } else if (codepoint < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (codepoint >> 6)));
    out.push_back(static_cast<char>(0x80 | (codepoint & 0x3F)));
  } else if (codepoint < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (codepoint >> 12)));
    out.push_back(static_cast<char>(0x80 | ((codepoint >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (codepoint & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (codepoint >> 18)));
    out.push_back(static_cast<char>(0x80 | ((codepoint >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((codepoint >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (codepoint & 0x3F)));
  }
}

std::optional<uint32_t> hex4(const char* p) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = p[i];
    uint32_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<uint32_t>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    value = value * 16 + digit;
  }
  return value;
}

core::Result<EdnNumber, std::string> parse_edn_number(std::string_view token) {
  using Refusal = core::Err<std::string>;
  std::string_view body = token;
  if (body.front() == '+') body.remove_prefix(1);  // from_chars takes '-' only
  std::string_view digits = body.front() == '-' ? body.substr(1) : body;
  bool big = false;
  if (digits.back() == 'N') {
    big = true;
    digits.remove_suffix(1);
    body.remove_suffix(1);
  }
  if (digits.back() == 'M') return Refusal{"is a BigDecimal, which is not supported"};
  if (digits.find('/') != std::string_view::npos) return Refusal{"is a ratio, not supported"};
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    // Not EDN, but Clojure's reader takes it, and Jepsen's results print
    // objects as #object[java.lang.Thread 0x5c7b4c2d "..."].
    return hex_number(digits.substr(2), body.front() == '-');
  }
  // [0-9]+ ('.' [0-9]*)? ([eE] [+-]? [0-9]+)?
  size_t i = 0;
  while (i < digits.size() && is_digit(digits[i])) ++i;
  const size_t integer_digits = i;
  bool fraction = false;
  bool exponent = false;
  if (i < digits.size() && digits[i] == '.') {
    fraction = true;
    ++i;
    while (i < digits.size() && is_digit(digits[i])) ++i;
  }
  if (i < digits.size() && (digits[i] == 'e' || digits[i] == 'E')) {
    exponent = true;
    ++i;
    if (i < digits.size() && (digits[i] == '+' || digits[i] == '-')) ++i;
    const size_t exponent_start = i;
    while (i < digits.size() && is_digit(digits[i])) ++i;
    if (i == exponent_start) return Refusal{"is not a number: the exponent has no digits"};
  }
  if (i != digits.size()) return Refusal{"is not a number"};
  if (integer_digits > 1 && digits[0] == '0') {
    return Refusal{"has a leading zero (octal numbers are not EDN)"};
  }
  if (fraction || exponent) {
    if (big) return Refusal{"is not a number: 'N' follows integers only"};
    double value = 0;
    const auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), value);
    if (ec != std::errc() || ptr != body.data() + body.size()) {
      return Refusal{"is beyond the range of a double"};
    }
    return EdnNumber{EdnKind::kFloat, std::bit_cast<uint64_t>(value)};
  }
  int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), value);
  if (ec != std::errc() || ptr != body.data() + body.size()) {
    return Refusal{"is beyond the range of a 64-bit integer"};
  }
  return EdnNumber{EdnKind::kInteger, static_cast<uint64_t>(value)};
}

}  // namespace eddy::checker::detail
