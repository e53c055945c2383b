// Appends JSON tokens to a std::string. The encoder writes every outgoing line
// with these instead of building a DOM: it is the hot path of eddy-node.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace eddy::core {

// The raw writers below write at `at`, which the caller has sized: the poll
// reply, eddy-node's largest and most frequent line, is written this way
// (one resize for the whole body instead of a capacity check per token).
inline constexpr size_t kIntBytesMax = 20;  // "-9223372036854775808"

// write_int's general case, out of line.
char* write_int_any(char* at, int64_t value);

// Writes `value` in decimal, as std::to_chars does (in fewer instructions:
// histories and poll replies are mostly integers); room for kIntBytesMax.
// Values under 100 (most offsets, messages and processes in a history) are
// written in line: the call cost more than writing them.
inline char* write_int(char* at, int64_t value) {
  if (static_cast<uint64_t>(value) < 10) {
    *at = static_cast<char>('0' + value);
    return at + 1;
  }
  if (static_cast<uint64_t>(value) < 100) {
    at[0] = static_cast<char>('0' + value / 10);
    at[1] = static_cast<char>('0' + value % 10);
    return at + 2;
  }
  return write_int_any(at, value);
}

// At most this many bytes for `text` written as a JSON string literal.
inline size_t string_bytes_max(std::string_view text) { return 6 * text.size() + 2; }

// Writes `text` as append_string does; room for string_bytes_max(text).
char* write_string(char* at, std::string_view text);

inline void append_int(std::string& out, int64_t value) {
  char buffer[kIntBytesMax];
  out.append(buffer, write_int(buffer, value));
}

// Writes `text` as a JSON string literal. `text` must be valid UTF-8 (all our
// strings come from parsed JSON or from our own code); control characters and
// the two mandatory escapes are escaped, everything else is copied.
void append_string(std::string& out, std::string_view text);

}  // namespace eddy::core
