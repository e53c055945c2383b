// text_needing_every_escape(): a string for the history writers' round-trip
// tests, shared by the kafka and lin-kv ones. Every control byte (each
// written as a six-byte \u escape, the writers' worst case), a quote, a
// backslash and a slash, then two- and four-byte UTF-8 that must pass through.
#pragma once

#include <string>

namespace eddy::test_support {

inline std::string text_needing_every_escape() {
  std::string text;
  for (int c = 0; c < 0x20; ++c) text.push_back(static_cast<char>(c));
  text += "\"\\/ h\xc3\xa9llo \xf0\x9f\x98\x80";
  return text;
}

}  // namespace eddy::test_support
