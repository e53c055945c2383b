#include "sim/services/clojure_text.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>
#include <system_error>

#include <nlohmann/json.hpp>

#include "core/invariant.h"

namespace eddy::sim {
namespace {

using nlohmann::json;

// Clojure's `char-escape-string` (clojure/core_print.clj): these seven
// characters are escaped; everything else, control characters included, is
// printed as is.
void append_string(std::string& out, std::string_view text) {
  out.push_back('"');
  for (const char c : text) {
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\b':
        out += "\\b";
        break;
      default:
        out.push_back(c);
    }
  }
  out.push_back('"');
}

// Java's Double.toString: the shortest digits that round-trip, laid out as
// plain decimals for 1e-3 <= |x| < 1e7 and as `d.dddE<exp>` otherwise, with
// at least one digit after the point.
void append_java_double(std::string& out, double x) {
  if (std::signbit(x)) {
    out.push_back('-');
    x = -x;
  }
  if (x == 0.0) {
    out += "0.0";
    return;
  }
  char buffer[64];
  const auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::scientific);
  EDDY_INVARIANT(ec == std::errc(), "to_chars failed on a finite double");
  const std::string_view text(buffer, static_cast<size_t>(end - buffer));
  const size_t e_at = text.find('e');
  std::string digits;  // the significant digits, without the point
  for (const char c : text.substr(0, e_at)) {
    if (c != '.') digits.push_back(c);
  }
  int exponent = 0;  // x = d.ddd * 10^exponent
  const std::string_view exponent_text = text.substr(e_at + 1);
  const size_t skip = exponent_text.front() == '+' ? 1 : 0;
  std::from_chars(exponent_text.data() + skip, exponent_text.data() + exponent_text.size(),
                  exponent);
  if (exponent >= -3 && exponent < 7) {
    if (exponent < 0) {
      out += "0.";
      out.append(static_cast<size_t>(-exponent - 1), '0');
      out += digits;
      return;
    }
    const size_t whole = static_cast<size_t>(exponent) + 1;
    if (digits.size() <= whole) {
      out += digits;
      out.append(whole - digits.size(), '0');
      out += ".0";
    } else {
      out.append(digits, 0, whole);
      out.push_back('.');
      out.append(digits, whole);
    }
    return;
  }
  out.push_back(digits.front());
  out.push_back('.');
  out += digits.size() > 1 ? digits.substr(1) : "0";
  out.push_back('E');
  out += std::to_string(exponent);
}

bool is_big_integer(const json& value) {
  return value.is_number_unsigned() &&
         value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
}

// Clojure's print-method for the types cheshire produces.
void append_pr(std::string& out, const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      out += "nil";
      return;
    case json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case json::value_t::number_integer:
      out += std::to_string(value.get<int64_t>());
      return;
    case json::value_t::number_unsigned:
      out += std::to_string(value.get<uint64_t>());
      if (is_big_integer(value)) out += "BIGINT";
      return;
    case json::value_t::number_float:
      append_java_double(out, value.get<double>());
      return;
    case json::value_t::string:
      append_string(out, value.get_ref<const std::string&>());
      return;
    case json::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const json& element : value) {
        if (!first) out.push_back(' ');
        first = false;
        append_pr(out, element);
      }
      out.push_back(']');
      return;
    }
    case json::value_t::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, element] : value.items()) {
        if (!first) out += ", ";
        first = false;
        append_string(out, key);
        out.push_back(' ');
        append_pr(out, element);
      }
      out.push_back('}');
      return;
    }
    case json::value_t::binary:
    case json::value_t::discarded:
      break;
  }
  EDDY_INVARIANT(false, "a Value holds a JSON type that JSON text cannot express");
}

}  // namespace

std::string clojure_pr_str(const core::Value& value) {
  std::string out;
  if (value.is_integer()) {
    value.append_json(out);  // a Long prints as its digits
    return out;
  }
  append_pr(out, value.to_json());
  return out;
}

std::string clojure_str(const core::Value& value) {
  if (value.is_integer()) return clojure_pr_str(value);
  const json parsed = value.to_json();
  if (parsed.is_string()) return parsed.get<std::string>();
  if (parsed.is_null()) return "";
  if (parsed.is_number_unsigned()) return std::to_string(parsed.get<uint64_t>());
  std::string out;
  append_pr(out, parsed);
  return out;
}

}  // namespace eddy::sim
