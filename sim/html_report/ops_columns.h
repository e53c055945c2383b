// OpsColumns: report.html's largest member, the ops as columns,
// `"ops":{"p":[...],"f":[...],"o":[...],"s":[...],"e":[...],"i":[...],"t":[...]}`,
// written one span at a time, in span order.
//
// Why span by span: a run's report builder (report_data.h, ReportBuilder)
// pairs the history's entries into spans on the history's own thread while
// the run goes on, and writes each span here once it is settled (completed,
// or left behind by its process's next invocation). What was the largest
// part of the report's work after a run (12 of its 14 million instructions
// on seed 001's command) is then done before the run ends. A whole
// history's page (columns_json) writes its spans through the same class, so
// both give the same bytes (tests/sim/live_history_test.cc checks it).
//
// Each column is a text that grows at its end: a number is written in
// place (core::write_int), a text escaped in place, with no string append
// per piece. Texts are escaped as the page needs them inside <script>: '"',
// '\', the control characters and '<' (script_safe in html_report.cc).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/json_writer.h"

namespace eddy::sim::html_report {

struct OpSpan;  // report_data.h, which holds an OpsColumns in its builder

// One column of the page's JSON: its elements, comma-separated, without the
// brackets. Grown at its end, a number or a text written in place; the ops'
// columns and the diagram's (html_report.cc) are written with it.
class JsonColumn {
 public:
  // A number and its comma take at most this many bytes.
  static constexpr size_t kNumberBytesMax = core::kIntBytesMax + 1;

  void reserve(size_t bytes) { text_.reserve(bytes); }
  void put_int(int64_t value);
  void put_string(std::string_view text);  // escaped as above
  std::string_view view() const { return {text_.data(), used_}; }

 private:
  // Room for `bytes` more past `used_`, a comma first unless it is the first
  // element (every element writes at least one byte).
  char* room_for_element(size_t bytes) {
    if (text_.size() - used_ < bytes + 1) grow(bytes + 1);
    char* at = text_.data() + used_;
    if (used_ > 0) *at++ = ',';
    return at;
  }
  void grow(size_t bytes);

  std::string text_;  // [0, used_) written
  size_t used_ = 0;
};

class OpsColumns {
 public:
  // Room for about `spans` spans' numbers and `text_bytes` bytes of texts.
  void reserve(size_t spans, size_t text_bytes);
  // The next span, with its text.
  void add(const OpSpan& span, std::string_view text);
  size_t size() const { return spans_; }
  // The member's length, `"ops":{...}`, and the member appended to `out`.
  size_t bytes() const;
  void append_to(std::string& out) const;

 private:
  static constexpr size_t kColumns = 7;
  std::array<JsonColumn, kColumns> columns_;
  size_t spans_ = 0;
};

// `text` as a JSON string (quoted), escaped as above, written at `at`,
// which has room for 6 * text.size() + 2 bytes; returns the end.
char* write_page_string(char* at, std::string_view text);

}  // namespace eddy::sim::html_report
