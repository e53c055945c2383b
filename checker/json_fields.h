// The fields every JSON history line has, for both history formats
// (history_io.cc, linkv_history_io.cc): reading them (each helper throws
// FieldError with a text naming the field; a reader catches it once per line
// and turns it into its Result), writing them in their fixed order, and
// writing histories line by line. Internal to the checker.
#pragma once

#include <cassert>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "checker/history_line_writer.h"
#include "core/json_writer.h"

namespace eddy::checker::detail {

struct FieldError {
  std::string text;
};

[[noreturn]] inline void fail(std::string text) { throw FieldError{std::move(text)}; }

inline int64_t int_of(const nlohmann::json& value, std::string_view what) {
  // nlohmann keeps integers above INT64_MAX as unsigned: get<int64_t> would wrap.
  if (value.is_number_unsigned() &&
      value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    fail(std::string(what) + " is out of range");
  }
  if (value.is_number_integer()) return value.get<int64_t>();
  fail(std::string(what) + " must be an integer");
}

inline const nlohmann::json& field(const nlohmann::json& object, std::string_view name) {
  const auto it = object.find(name);
  if (it == object.end()) fail("missing field '" + std::string(name) + "'");
  return *it;
}

inline std::string string_of(const nlohmann::json& value, std::string_view what) {
  if (!value.is_string()) fail(std::string(what) + " must be a string");
  return value.get<std::string>();
}

// `process`: an integer >= 0, or "nemesis" (kNemesisProcess).
inline int64_t process_of(const nlohmann::json& value, int64_t nemesis_process) {
  if (value.is_string() && value.get_ref<const std::string&>() == "nemesis") return nemesis_process;
  const int64_t process = int_of(value, "process");
  if (process < 0) fail("process must be >= 0 or \"nemesis\"");
  return process;
}

// The history writers write each line raw into a buffer sized for it once
// (core/json_writer.h): a history has tens of thousands of short lines, and a
// std::string append per token (a capacity check, a memcpy call for a few
// bytes) cost more than the bytes themselves.

// Copies `text` to `at`; a literal's size is a constant, so this compiles to a
// store or two, without a call.
inline char* put(char* at, std::string_view text) {
  std::memcpy(at, text.data(), text.size());
  return at + text.size();
}

// A history line's fixed pieces, shared by its bound and its writer.
inline constexpr std::string_view kIndexOpen = "{\"index\":";
inline constexpr std::string_view kTimeUs = ",\"time_us\":";
inline constexpr std::string_view kProcess = ",\"process\":";
inline constexpr std::string_view kNemesisName = "\"nemesis\"";
inline constexpr std::string_view kType = ",\"type\":\"";
inline constexpr std::string_view kF = "\",\"f\":\"";
inline constexpr std::string_view kLineClose = "}\n";
// The fields both formats write after the head, each with its punctuation.
inline constexpr std::string_view kKey = ",\"key\":";
inline constexpr std::string_view kValue = ",\"value\":";
inline constexpr std::string_view kError = ",\"error\":";
inline constexpr std::string_view kNemesis = ",\"nemesis\":";
inline constexpr std::string_view kNode = ",\"node\":";
inline constexpr std::string_view kClient = ",\"client\":";

// At most this many bytes for the head that write_line_head writes.
inline size_t line_head_bytes_max(std::string_view type, std::string_view f) {
  static_assert(kNemesisName.size() <= core::kIntBytesMax);
  return kIndexOpen.size() + kTimeUs.size() + kProcess.size() + kType.size() + kF.size() + 1 +
         3 * core::kIntBytesMax + type.size() + f.size();
}

// Opens a line with index, time_us, process (an integer, or "nemesis" for
// `nemesis_process`), type and f; the caller writes the op's own fields and
// closes the object. Room for line_head_bytes_max(type, f).
inline char* write_line_head(char* at, int64_t index, int64_t time_us, int64_t process,
                             int64_t nemesis_process, std::string_view type, std::string_view f) {
  at = core::write_int(put(at, kIndexOpen), index);
  at = core::write_int(put(at, kTimeUs), time_us);
  at = put(at, kProcess);
  at = process == nemesis_process ? put(at, kNemesisName) : core::write_int(at, process);
  at = put(at, kType);
  at = put(at, type);
  at = put(at, kF);
  at = put(at, f);
  *at++ = '"';
  return at;
}

// Where a field is written only when its text is not empty: ,"name":"text".
// `open` is the field's name with its punctuation (,"error":).
inline size_t optional_string_bytes_max(std::string_view open, std::string_view text) {
  return text.empty() ? 0 : open.size() + core::string_bytes_max(text);
}
inline char* write_optional_string(char* at, std::string_view open, std::string_view text) {
  return text.empty() ? at : core::write_string(put(at, open), text);
}

// Lines written one at a time into one buffer that is handed to `out` each
// time it fills (64 KiB): room for a line is reserved by an upper bound on its
// length, the line is written by char*, and only what was written is kept.
// 64 KiB stay in the core's cache for the kernel's copy, and cost 16 page
// faults where 1 MiB cost 256 (seed 001's history.jsonl is 5 MB: 80 writes).
class LineBuffer {
 public:
  explicit LineBuffer(std::ostream& out)
      : out_(out), buffer_(std::make_unique_for_overwrite<char[]>(capacity_)) {}
  LineBuffer(const LineBuffer&) = delete;
  LineBuffer& operator=(const LineBuffer&) = delete;

  // Writes one line: `bound` bounds the bytes `write_line(at)` writes, and
  // it returns their end.
  template <typename WriteLine>
  void add(size_t bound, WriteLine write_line) {
    if (capacity_ - used_ < bound) {
      flush();
      // A line longer than the buffer (a poll of thousands of records).
      if (capacity_ < bound) {
        capacity_ = bound;
        buffer_ = std::make_unique_for_overwrite<char[]>(capacity_);
      }
    }
    char* const start = buffer_.get() + used_;
    char* const end = write_line(start);
    assert(static_cast<size_t>(end - start) <= bound);
    used_ += static_cast<size_t>(end - start);
  }
  // Hands what is buffered to the stream.
  void flush() {
    out_.write(buffer_.get(), static_cast<std::streamsize>(used_));
    used_ = 0;
  }

 private:
  std::ostream& out_;
  size_t capacity_ = size_t{64} << 10;
  // Left uninitialised: every byte handed to the stream was written first.
  std::unique_ptr<char[]> buffer_;
  size_t used_ = 0;
};

// Appends one item's line to `out`, as a LineBuffer writes it.
template <typename Item, typename BytesMax, typename WriteLine>
void append_line(const Item& item, std::string& out, BytesMax bytes_max, WriteLine write_line) {
  const size_t start = out.size();
  const size_t bound = bytes_max(item);
  out.resize(start + bound);
  char* const end = write_line(item, out.data() + start);
  assert(static_cast<size_t>(end - (out.data() + start)) <= bound);
  out.resize(static_cast<size_t>(end - out.data()));
}

}  // namespace eddy::checker::detail

namespace eddy::checker {

namespace detail {
// A history format's line, for HistoryLineWriter<Op>: its .cc specialises
// this with `bytes_max(op)`, an upper bound on the line's length, and
// `write(op, at)`, which writes it and returns its end.
template <class Op>
struct LineFormat;
}  // namespace detail

// HistoryLineWriter's members (checker/history_line_writer.h); each format's
// .cc specialises detail::LineFormat and instantiates the class.
template <class Op>
HistoryLineWriter<Op>::HistoryLineWriter(std::ostream& out)
    : lines_(std::make_unique<detail::LineBuffer>(out)) {}
template <class Op>
HistoryLineWriter<Op>::~HistoryLineWriter() = default;
template <class Op>
void HistoryLineWriter<Op>::add(const Op& op) {
  using Format = detail::LineFormat<Op>;
  lines_->add(Format::bytes_max(op), [&](char* at) { return Format::write(op, at); });
}
template <class Op>
void HistoryLineWriter<Op>::flush() {
  lines_->flush();
}

}  // namespace eddy::checker
