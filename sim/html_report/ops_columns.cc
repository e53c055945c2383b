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

void JsonColumn::grow(size_t bytes) {
  // A step at a time inside the reserved room: resize zero-fills what it
  // adds, and a page's first write backs it, so a column grown by doubling
  // backed up to twice the pages it used. Past the room, std::string
  // reallocates by doubling.
  constexpr size_t kStep = size_t{16} << 10;
  text_.resize(used_ + std::max(bytes, kStep));
}

void JsonColumn::put_int(int64_t value) {
  char* at = room_for_element(core::kIntBytesMax);
  used_ = static_cast<size_t>(core::write_int(at, value) - text_.data());
}

void JsonColumn::put_string(std::string_view text) {
  // An escaped byte takes at most 6 (a control character's backslash, 'u'
  // and four hex digits); the quotes 2 more.
  char* at = room_for_element(6 * text.size() + 2);
  used_ = static_cast<size_t>(write_page_string(at, text) - text_.data());
}

void OpsColumns::reserve(size_t spans, size_t text_bytes) {
  // A number and its comma take up to kNumberBytesMax. Room never written costs
  // address space only, so every column is reserved for the longest numbers
  // (a time in microseconds past 10 s takes 9 with its comma, and the
  // columns had to be copied into twice the room).
  for (size_t c = 0; c < kColumns; ++c) {
    columns_[c].reserve(c == kText ? text_bytes + 3 * spans : JsonColumn::kNumberBytesMax * spans);
  }
}

void OpsColumns::add(const OpSpan& span, std::string_view text) {
  columns_[0].put_int(span.process);
  columns_[1].put_int(span.f);
  columns_[2].put_int(static_cast<int>(span.outcome));
  columns_[3].put_int(span.invoke_us);
  columns_[4].put_int(span.complete_us);
  columns_[5].put_int(span.invoke_index >= 0 ? span.invoke_index : span.complete_index);
  columns_[kText].put_string(text);
  ++spans_;
}

size_t OpsColumns::bytes() const {
  size_t bytes = 8;  // "ops":{}
  for (size_t c = 0; c < kColumns; ++c) bytes += kNames[c].size() + 6 + columns_[c].view().size();
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
    out += columns_[c].view();
    out += ']';
  }
  out += '}';
}

}  // namespace eddy::sim::html_report
