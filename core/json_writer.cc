#include "core/json_writer.h"

#include <cstring>

namespace eddy::core {

char* write_string(char* at, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  *at++ = '"';
  size_t run_start = 0;
  const auto copy_run = [&](size_t end) {
    std::memcpy(at, text.data() + run_start, end - run_start);
    at += end - run_start;
  };
  const auto put = [&](std::string_view escape) {
    std::memcpy(at, escape.data(), escape.size());
    at += escape.size();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    copy_run(i);
    run_start = i + 1;
    switch (c) {
      case '"':
        put("\\\"");
        break;
      case '\\':
        put("\\\\");
        break;
      case '\n':
        put("\\n");
        break;
      case '\r':
        put("\\r");
        break;
      case '\t':
        put("\\t");
        break;
      case '\b':
        put("\\b");
        break;
      case '\f':
        put("\\f");
        break;
      default:
        put("\\u00");
        *at++ = kHex[c >> 4];
        *at++ = kHex[c & 0xf];
    }
  }
  copy_run(text.size());
  *at++ = '"';
  return at;
}

void append_string(std::string& out, std::string_view text) {
  const size_t start = out.size();
  out.resize(start + string_bytes_max(text));
  char* end = write_string(out.data() + start, text);
  out.resize(static_cast<size_t>(end - out.data()));
}

}  // namespace eddy::core
