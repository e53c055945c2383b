#include "sim/html_report/ops_columns.h"

#include <algorithm>
#include <cstring>

#include "core/json_writer.h"
#include "sim/html_report/report_data.h"

namespace eddy::sim::html_report {
namespace {

constexpr std::array<std::string_view, 7> kNames = {"p", "f", "o", "s", "e", "i", "t"};
constexpr size_t kText = 6;  // the text column's place in kNames

// Which bytes a JSON string in the page escapes: '"', '\\', '<' and the
// control characters.
constexpr std::array<bool, 256> kEscaped = [] {
  std::array<bool, 256> escaped{};
  for (size_t byte = 0; byte < 0x20; ++byte) escaped[byte] = true;
  escaped['"'] = escaped['\\'] = escaped['<'] = true;
  return escaped;
}();

}  // namespace

char* write_page_string(char* at, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  *at++ = '"';
  for (size_t i = 0; i < text.size();) {
    // A run of plain bytes at once, then one escaped.
    size_t end = i;
    while (end < text.size() && !kEscaped[static_cast<unsigned char>(text[end])]) ++end;
    std::memcpy(at, text.data() + i, end - i);
    at += end - i;
    if (end == text.size()) break;
    const char ch = text[end];
    const auto byte = static_cast<unsigned char>(ch);
    *at++ = '\\';
    if (ch == '"' || ch == '\\') {
      *at++ = ch;
    } else {  // '<' and the control characters: 'u' and four hex digits
      *at++ = 'u';
      *at++ = '0';
      *at++ = '0';
      *at++ = kHex[byte >> 4];
      *at++ = kHex[byte & 0xf];
    }
    i = end + 1;
  }
  *at++ = '"';
  return at;
}

void OpsColumns::Column::grow(size_t bytes) {
  // By doubling; zero-filled only as it grows.
  text.resize(std::max(2 * text.size(), used + bytes));
}

void OpsColumns::reserve(size_t spans, size_t text_bytes) {
  // A number and its comma take a few bytes; the largest, 21.
  for (size_t c = 0; c < kColumns; ++c) {
    columns_[c].text.reserve(c == kText ? text_bytes + 3 * spans : 8 * spans);
  }
}

void OpsColumns::put_int(Column& column, int64_t value) {
  char* at = column.room(core::kIntBytesMax + 1);
  if (spans_ > 0) *at++ = ',';
  column.used = static_cast<size_t>(core::write_int(at, value) - column.text.data());
}

void OpsColumns::put_string(Column& column, std::string_view text) {
  // An escaped byte takes at most 6 (a control character's backslash, 'u'
  // and four hex digits); the quotes and a comma 3 more.
  char* at = column.room(6 * text.size() + 3);
  if (spans_ > 0) *at++ = ',';
  column.used = static_cast<size_t>(write_page_string(at, text) - column.text.data());
}

void OpsColumns::add(const OpSpan& span, std::string_view text) {
  put_int(columns_[0], span.process);
  put_int(columns_[1], span.f);
  put_int(columns_[2], static_cast<int>(span.outcome));
  put_int(columns_[3], span.invoke_us);
  put_int(columns_[4], span.complete_us);
  put_int(columns_[5], span.invoke_index >= 0 ? span.invoke_index : span.complete_index);
  put_string(columns_[kText], text);
  ++spans_;
}

size_t OpsColumns::bytes() const {
  size_t bytes = 8;  // "ops":{}
  for (size_t c = 0; c < kColumns; ++c) bytes += kNames[c].size() + 6 + columns_[c].used;
  return bytes;
}

void OpsColumns::append_to(std::string& out) const {
  // With room for what follows the member on the page when no diagram does
  // (`,"diagram":null`), which would otherwise move the whole text again.
  constexpr size_t kFollowing = 64;
  out.reserve(out.size() + bytes() + kFollowing);
  out += "\"ops\":{";
  for (size_t c = 0; c < kColumns; ++c) {
    if (c > 0) out += ',';
    out += '"';
    out += kNames[c];
    out += "\":[";
    out.append(columns_[c].text.data(), columns_[c].used);
    out += ']';
  }
  out += '}';
}

}  // namespace eddy::sim::html_report
