// Appends JSON tokens to a std::string. The encoder writes every outgoing line
// with these instead of building a DOM: it is the hot path of eddy-node.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace eddy::core {

inline void append_int(std::string& out, int64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

// Writes `text` as a JSON string literal. `text` must be valid UTF-8 (all our
// strings come from parsed JSON or from our own code); control characters and
// the two mandatory escapes are escaped, everything else is copied.
void append_string(std::string& out, std::string_view text);

}  // namespace eddy::core
