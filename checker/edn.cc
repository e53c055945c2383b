// EdnValue, EdnForm, parse_edn and EdnReader (edn.h); the parser itself is
// in edn_parser.cc and the printer in edn_print.cc.
//
// EdnReader keeps a buffer of the stream: [begin_, end_) is unread. When the
// parser runs out inside a form, the reader keeps the form's bytes, reads at
// least a chunk more (or as much again as it keeps, so a big form is parsed
// about twice at most), and parses the form again from its start.
#include "checker/edn.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cstring>
#include <limits>

#include "checker/edn_parser.h"

namespace eddy::checker {

using detail::EdnFrame;
using detail::EdnNode;

std::string_view to_string(EdnKind kind) {
  static constexpr std::array<std::string_view, 13> kNames{
      "nil",    "boolean", "integer", "float", "string", "character",      "keyword",
      "symbol", "list",    "vector",  "map",   "set",    "tagged literal",
  };
  return kNames[static_cast<size_t>(kind)];
}

std::string EdnError::to_string() const { return position_text(position) + ": " + message; }

// --- EdnValue and EdnForm ---

bool EdnValue::boolean() const {
  assert(is(EdnKind::kBoolean));
  return node().payload != 0;
}

double EdnValue::number() const {
  assert(is(EdnKind::kFloat));
  return std::bit_cast<double>(node().payload);
}

EdnValue EdnValue::child(size_t i) const {
  assert(i < node().count);
  uint32_t index = index_ + 1;
  for (size_t k = 0; k < i; ++k) index += form_->nodes_[index].span;
  return EdnValue(form_, index);
}

std::optional<EdnValue> EdnValue::find(std::string_view keyword_name) const {
  assert(is(EdnKind::kMap));
  bool is_key = true;
  bool matched = false;
  for (const EdnValue element : children()) {
    if (!is_key && matched) return element;
    if (is_key) matched = element.is_keyword(keyword_name);
    is_key = !is_key;
  }
  return std::nullopt;
}

EdnValue EdnValue::tagged_value() const {
  assert(is(EdnKind::kTagged));
  return EdnValue(form_, index_ + 1);
}

EdnPosition EdnValue::position() const { return {form_->first_line_ + node().line, node().column}; }

EdnValue EdnForm::root() const {
  assert(!nodes_.empty());
  return EdnValue(this, 0);
}

void EdnForm::clear() {
  nodes_.clear();
  text_.clear();
  first_line_ = 1;
}

// --- parse_edn and EdnReader ---

core::Result<EdnForm, EdnError> parse_edn(std::string_view text, const EdnLimits& limits) {
  assert(limits.form_bytes_max <= std::numeric_limits<uint32_t>::max());
  assert(limits.form_values_max <= std::numeric_limits<uint32_t>::max());
  EdnForm form;
  std::vector<EdnFrame> frames;
  EdnParseState state;
  state.base = text.data();
  state.end = text.data() + text.size();
  state.cur = EdnCursor{text.data(), 1, 0};
  switch (parse_form(state, limits, form, frames)) {
    case EdnStep::kValue:
      break;
    case EdnStep::kEnd:
      return core::Err{
          EdnError{{state.cur.line, (state.cur.p - state.base) - state.cur.line_start + 1},
                   "unexpected end of input: expected a value"}};
    default:
      return core::Err{state.error};
  }
  // Anything after the value but blanks and discarded forms is an error.
  EdnForm rest;
  switch (parse_form(state, limits, rest, frames)) {
    case EdnStep::kEnd:
      return form;
    case EdnStep::kValue:
      return core::Err{EdnError{rest.root().position(), "expected the end of input after a value"}};
    default:
      return core::Err{state.error};
  }
}

EdnReader::EdnReader(std::istream& in, EdnLimits limits, size_t chunk_bytes)
    : in_(in), limits_(limits), chunk_bytes_(std::max<size_t>(chunk_bytes, 1)) {
  assert(limits_.form_bytes_max <= std::numeric_limits<uint32_t>::max());
  assert(limits_.form_values_max <= std::numeric_limits<uint32_t>::max());
}

core::Result<std::optional<EdnValue>, EdnError> EdnReader::next() {
  if (failed_) return core::Err{*failed_};
  while (true) {
    EdnParseState state;
    state.base = buffer_.data();
    state.end = buffer_.data() + end_;
    state.final = at_eof_;
    state.cur = EdnCursor{buffer_.data() + begin_, line_, line_start_};
    switch (parse_form(state, limits_, form_, frames_)) {
      case EdnStep::kValue:
        begin_ = static_cast<size_t>(state.cur.p - state.base);
        line_ = state.cur.line;
        line_start_ = state.cur.line_start;
        return std::optional<EdnValue>(form_.root());
      case EdnStep::kEnd:
        begin_ = end_;
        return std::optional<EdnValue>();
      case EdnStep::kNeedMore:
        begin_ = static_cast<size_t>(state.form_start.p - state.base);
        line_ = state.form_start.line;
        line_start_ = state.form_start.line_start;
        if (!refill(begin_)) {
          failed_ = EdnError{{line_, static_cast<int64_t>(begin_) - line_start_ + 1},
                             "the stream could not be read"};
          return core::Err{*failed_};
        }
        break;
      case EdnStep::kError:
        failed_ = state.error;
        return core::Err{*failed_};
    }
  }
}

// Keeps [keep_from, end_), moved to the front, and reads at least a chunk, or
// as much again as is kept so that re-parsing a big form stays linear.
bool EdnReader::refill(size_t keep_from) {
  const size_t kept = end_ - keep_from;
  if (keep_from > 0) {
    std::memmove(buffer_.data(), buffer_.data() + keep_from, kept);
    line_start_ -= static_cast<int64_t>(keep_from);
  }
  begin_ = 0;
  end_ = kept;
  const size_t want = std::max(chunk_bytes_, kept);
  if (buffer_.size() < kept + want) buffer_.resize(kept + want);
  in_.read(buffer_.data() + end_, static_cast<std::streamsize>(want));
  end_ += static_cast<size_t>(in_.gcount());
  if (!in_) {
    at_eof_ = true;
    return !in_.bad();
  }
  return true;
}

}  // namespace eddy::checker
