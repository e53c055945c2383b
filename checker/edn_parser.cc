// The EDN parser behind parse_edn and EdnReader (edn_parser.h).
//
// A loop over tokens with an explicit stack of open frames (collections,
// tagged literals, discards), so no input can exhaust the call stack. Nodes
// are appended in preorder; a collection's span is set when it closes, a
// discard truncates the nodes and texts back to where it began. The input is
// one contiguous buffer: when a form runs past its end and more may come, the
// parser says so (kNeedMore) with where the form began, and the caller reads
// more and parses the form again from there.
#include "checker/edn_parser.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <charconv>
#include <cstring>
#include <limits>
#include <optional>
#include <system_error>

#include "checker/edn_scalars.h"

namespace eddy::checker {
namespace {

using detail::append_utf8;
using detail::EdnFrame;
using detail::EdnNode;
using detail::hex4;
using detail::is_valid_utf8;
using detail::utf8_length;

// Bytes that may appear in a symbol, keyword, number or tag (EDN's symbol
// characters, plus '#', ':' and '\'' inside, plus any non-ASCII byte, checked
// as UTF-8 separately). Everything else ends a token.
constexpr std::array<bool, 256> make_constituents() {
  std::array<bool, 256> table{};
  for (int c = '0'; c <= '9'; ++c) table[static_cast<size_t>(c)] = true;
  for (int c = 'a'; c <= 'z'; ++c) table[static_cast<size_t>(c)] = true;
  for (int c = 'A'; c <= 'Z'; ++c) table[static_cast<size_t>(c)] = true;
  for (const char c : std::string_view(".*+!-_?$%&=<>/#:'")) {
    table[static_cast<unsigned char>(c)] = true;
  }
  for (size_t c = 0x80; c < 256; ++c) table[c] = true;
  return table;
}
constexpr std::array<bool, 256> kConstituent = make_constituents();

bool is_constituent(char c) { return kConstituent[static_cast<unsigned char>(c)]; }
// What skip_blanks skips: whitespace, commas and comments.
bool is_blank(char c) {
  return c == ' ' || c == ',' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v' ||
         c == ';';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// How a character shows in a message: 'x', or its code for a control byte.
std::string shown(char c) {
  const auto b = static_cast<unsigned char>(c);
  if (b >= 0x20 && b < 0x7F) return std::string("'") + c + "'";
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string("byte 0x") + kHex[b >> 4] + kHex[b & 0xF];
}

char closer_of(EdnKind kind) {
  switch (kind) {
    case EdnKind::kList:
      return ')';
    case EdnKind::kVector:
      return ']';
    default:
      return '}';
  }
}

std::string opener_of(EdnKind kind) {
  switch (kind) {
    case EdnKind::kList:
      return "'('";
    case EdnKind::kVector:
      return "'['";
    case EdnKind::kSet:
      return "'#{'";
    default:
      return "'{'";
  }
}

uint64_t text_ref(size_t begin, size_t size) {
  return (static_cast<uint64_t>(begin) << 32) | static_cast<uint64_t>(size);
}

}  // namespace

// Parses one top-level form of [cursor.p, end). A friend of EdnForm.
struct EdnParser {
  enum class Step { kContinue, kValue, kEnd, kNeedMore, kError };

  const char* base;
  const char* end;
  bool final;  // nothing follows `end`
  const EdnLimits& limits;
  EdnForm& form;
  std::vector<EdnFrame>& frames;
  EdnCursor cur;
  // Where the form, or the blanks before it, began: what a reader must keep
  // when it returns kNeedMore.
  EdnCursor form_start{};
  bool form_started = false;
  bool token_ascii = true;  // the last token scan_token read had no byte past ASCII
  EdnError error{};

  Step parse() {
    form.clear();
    frames.clear();
    form_started = false;
    while (true) {
      if (!form_started) form_start = cur;
      // Most values follow one space (or none): test before calling.
      if (cur.p != end && *cur.p == ' ') {
        ++cur.p;
        if (!form_started) form_start = cur;
      }
      if (cur.p != end && is_blank(*cur.p)) skip_blanks();
      if (cur.p == end) {
        if (!final) return need_more();
        if (frames.empty()) return Step::kEnd;
        return truncated();
      }
      if (!form_started) {
        form_started = true;
        form.first_line_ = cur.line;
      }
      const Step step = read_one();
      if (step != Step::kContinue) return step;
    }
  }

 private:
  EdnPosition here(const char* p) const { return {cur.line, (p - base) - cur.line_start + 1}; }

  Step fail(EdnPosition at, std::string message) {
    error = EdnError{at, std::move(message)};
    return Step::kError;
  }

  Step need_more() {
    if (static_cast<size_t>(end - form_start.p) > limits.form_bytes_max) {
      return too_long();
    }
    return Step::kNeedMore;
  }

  Step too_long() {
    return fail(EdnPosition{form_start.line, (form_start.p - base) - form_start.line_start + 1},
                "a form longer than " + std::to_string(limits.form_bytes_max) +
                    " bytes (EdnLimits::form_bytes_max)");
  }

  // Input ran out inside a token: more may come, or it is truncated.
  Step cut_off(EdnPosition at, std::string_view what) {
    if (!final) return need_more();
    return fail(at, "unexpected end of input in " + std::string(what));
  }

  Step truncated() {
    const EdnFrame& frame = frames.back();
    std::string expected;
    if (frame.discard) {
      expected = "a value after '#_'";
    } else {
      const EdnValue owner = EdnValue(&form, frame.node);
      if (owner.is(EdnKind::kTagged)) {
        expected = "the value of the tagged literal #" + std::string(owner.text());
      } else {
        expected = "'" + std::string(1, closer_of(owner.kind())) + "' to close the " +
                   opener_of(owner.kind()) + " at " + position_text(owner.position());
      }
    }
    return fail(here(cur.p), "unexpected end of input: expected " + expected);
  }

  void skip_blanks() {
    while (cur.p != end) {
      switch (*cur.p) {
        case '\n':
          ++cur.p;
          ++cur.line;
          cur.line_start = cur.p - base;
          break;
        case ' ':
        case ',':
        case '\t':
        case '\r':
        case '\f':
        case '\v':
          ++cur.p;
          break;
        case ';': {
          const EdnCursor comment = cur;
          const void* newline = std::memchr(cur.p, '\n', static_cast<size_t>(end - cur.p));
          if (newline == nullptr) {
            cur.p = end;
            // An unfinished comment is read again with what follows.
            if (!form_started && !final) form_start = comment;
            return;
          }
          cur.p = static_cast<const char*>(newline);
          break;
        }
        default:
          if (!form_started) form_start = cur;
          return;
      }
    }
    if (!form_started) form_start = cur;
  }

  // Adds a node at `at`; false (with the error set) past form_values_max.
  bool add_node(EdnKind kind, EdnPosition at, uint64_t payload = 0) {
    if (form.nodes_.size() >= limits.form_values_max) {
      fail(at, "more than " + std::to_string(limits.form_values_max) +
                   " values in one form (EdnLimits::form_values_max)");
      return false;
    }
    constexpr int64_t kColumnMax = std::numeric_limits<uint32_t>::max();
    const auto column = static_cast<uint32_t>(at.column < kColumnMax ? at.column : kColumnMax);
    form.nodes_.push_back(
        EdnNode{kind, 0, 1, static_cast<uint32_t>(at.line - form.first_line_), column, payload});
    return true;
  }

  // Stores text as a node's payload; false (with the error set) when it is
  // longer than string_bytes_max.
  bool add_text_node(EdnKind kind, EdnPosition at, size_t text_begin) {
    const size_t size = form.text_.size() - text_begin;
    if (size > limits.string_bytes_max) return too_big(at, kind);
    return add_node(kind, at, text_ref(text_begin, size));
  }

  bool too_big(EdnPosition at, EdnKind kind) {
    fail(at, "a " + std::string(to_string(kind)) + " longer than " +
                 std::to_string(limits.string_bytes_max) + " bytes (EdnLimits::string_bytes_max)");
    return false;
  }

  bool push_frame(EdnFrame frame, EdnPosition at) {
    if (frames.size() >= limits.depth_max) {
      fail(at, "values nested deeper than " + std::to_string(limits.depth_max) +
                   " levels (EdnLimits::depth_max)");
      return false;
    }
    frames.push_back(frame);
    return true;
  }

  // A value just ended: give it to the frame around it. Inside a collection
  // (the usual case) that is a count; complete_frames does the rest.
  Step complete() {
    if (!frames.empty() && !frames.back().discard) {
      EdnNode& owner = form.nodes_[frames.back().node];
      if (owner.kind != EdnKind::kTagged) {
        ++owner.count;
        return Step::kContinue;
      }
    }
    return complete_frames();
  }

  Step complete_frames() {
    while (!frames.empty()) {
      const EdnFrame frame = frames.back();
      if (frame.discard) {
        form.nodes_.resize(frame.node);
        form.text_.resize(frame.text_mark);
        frames.pop_back();
        if (frames.empty()) form_started = false;
        return Step::kContinue;
      }
      EdnNode& owner = form.nodes_[frame.node];
      if (owner.kind != EdnKind::kTagged) {
        ++owner.count;
        return Step::kContinue;
      }
      owner.count = 1;
      owner.span = static_cast<uint32_t>(form.nodes_.size() - frame.node);
      frames.pop_back();
    }
    if (static_cast<size_t>(cur.p - form_start.p) > limits.form_bytes_max) return too_long();
    return Step::kValue;
  }

  Step read_one() {
    const char c = *cur.p;
    switch (c) {
      case '(':
        return open(EdnKind::kList, 1);
      case '[':
        return open(EdnKind::kVector, 1);
      case '{':
        return open(EdnKind::kMap, 1);
      case ')':
      case ']':
      case '}':
        return close(c);
      case '"':
        return read_string();
      case '\\':
        return read_character();
      case ':':
        return read_keyword();
      case '#':
        return read_dispatch();
      default:
        if (is_constituent(c) && c != '#' && c != ':' && c != '\'') return read_token();
        return fail(here(cur.p), "unexpected " + shown(c) + ": expected a value" +
                                     (c == '^'                ? " (metadata is not EDN)"
                                      : c == '\'' || c == '`' ? " (quoting is not EDN)"
                                                              : ""));
    }
  }

  Step open(EdnKind kind, int width) {
    const EdnPosition at = here(cur.p);
    const auto node = static_cast<uint32_t>(form.nodes_.size());
    if (!push_frame(EdnFrame{node, 0, false}, at) || !add_node(kind, at)) return Step::kError;
    cur.p += width;
    return Step::kContinue;
  }

  Step close(char c) {
    if (frames.empty() || frames.back().discard ||
        form.nodes_[frames.back().node].kind == EdnKind::kTagged ||
        closer_of(form.nodes_[frames.back().node].kind) != c) {
      return misplaced_closer(c);
    }
    const EdnFrame frame = frames.back();
    EdnNode& node = form.nodes_[frame.node];
    if (node.kind == EdnKind::kMap && node.count % 2 != 0) {
      return fail(EdnValue(&form, frame.node).position(),
                  "a map needs an even number of forms (keys and values); it has " +
                      std::to_string(node.count));
    }
    node.span = static_cast<uint32_t>(form.nodes_.size() - frame.node);
    frames.pop_back();
    ++cur.p;
    return complete();
  }

  // A closing bracket where it does not belong: say what was expected.
  Step misplaced_closer(char c) {
    const EdnPosition at = here(cur.p);
    const std::string found = std::string("'") + c + "'";
    if (frames.empty()) return fail(at, "unmatched " + found + ": nothing is open");
    const EdnFrame frame = frames.back();
    if (frame.discard) return fail(at, "expected a value after '#_', found " + found);
    const EdnValue owner(&form, frame.node);
    if (owner.is(EdnKind::kTagged)) {
      return fail(at, "expected the value of the tagged literal #" + std::string(owner.text()) +
                          ", found " + found);
    }
    return fail(at, "expected '" + std::string(1, closer_of(owner.kind())) + "' to close the " +
                        opener_of(owner.kind()) + " at " + position_text(owner.position()) +
                        ", found " + found);
  }

  Step read_dispatch() {
    const EdnPosition at = here(cur.p);
    if (cur.p + 1 == end) return cut_off(at, "a '#' dispatch");
    const char c = cur.p[1];
    if (c == '{') return open(EdnKind::kSet, 2);
    if (c == '_') {
      const EdnFrame frame{static_cast<uint32_t>(form.nodes_.size()),
                           static_cast<uint32_t>(form.text_.size()), true};
      if (!push_frame(frame, at)) return Step::kError;
      cur.p += 2;
      return Step::kContinue;
    }
    if (c == '#') return read_symbolic(at);
    if (is_alpha(c)) return read_tag(at);
    std::string why;
    switch (c) {
      case '?':
        why = " (reader conditionals are not EDN)";
        break;
      case '"':
        why = " (regular expressions are not EDN)";
        break;
      case '(':
        why = " (function literals are not EDN)";
        break;
      case ':':
        why = " (namespaced maps are not supported)";
        break;
      case '\'':
        why = " (var quotes are not EDN)";
        break;
      case '^':
        why = " (metadata is not EDN)";
        break;
      default:
        break;
    }
    return fail(at, "unknown dispatch '#" + std::string(1, c) +
                        "': expected '#{', '#_', '##' or a tag such as #inst" + why);
  }

  // A token starting at `from`: [from, *token_end). False when input ran out
  // before the token ended and more may come.
  bool scan_token(const char* from, const char** token_end) {
    const char* p = from;
    unsigned char any = 0;
    while (p != end && is_constituent(*p)) any |= static_cast<unsigned char>(*p++);
    *token_end = p;
    token_ascii = any < 0x80;
    return p != end || final;
  }

  // A symbol's or keyword name's text (the token just scanned): checks what
  // a token alone does not.
  bool valid_name(std::string_view name, EdnPosition at, std::string_view what) {
    const bool bad_slash =
        !name.empty() && (name.front() == '/' || name.back() == '/') && name != "/";
    if (name.empty() || bad_slash) {
      fail(at, "'" + std::string(name) + "' is not a valid " + std::string(what));
      return false;
    }
    if (!token_ascii && !is_valid_utf8(name)) {
      fail(at, "invalid UTF-8 in a " + std::string(what));
      return false;
    }
    return true;
  }

  Step read_tag(EdnPosition at) {
    const char* stop = nullptr;
    if (!scan_token(cur.p + 1, &stop)) return need_more();
    const std::string_view tag(cur.p + 1, static_cast<size_t>(stop - cur.p - 1));
    if (!valid_name(tag, at, "tag")) return Step::kError;
    const size_t text_begin = form.text_.size();
    form.text_.append(tag);
    const auto node = static_cast<uint32_t>(form.nodes_.size());
    if (!add_text_node(EdnKind::kTagged, at, text_begin)) return Step::kError;
    if (!push_frame(EdnFrame{node, 0, false}, at)) return Step::kError;
    cur.p = stop;
    return Step::kContinue;
  }

  Step read_symbolic(EdnPosition at) {
    const char* stop = nullptr;
    if (!scan_token(cur.p + 2, &stop)) return need_more();
    const std::string_view name(cur.p + 2, static_cast<size_t>(stop - cur.p - 2));
    double value = 0;
    if (name == "Inf") {
      value = std::numeric_limits<double>::infinity();
    } else if (name == "-Inf") {
      value = -std::numeric_limits<double>::infinity();
    } else if (name == "NaN") {
      value = std::numeric_limits<double>::quiet_NaN();
    } else {
      return fail(at, "unknown symbolic value '##" + std::string(name) +
                          "': expected ##Inf, ##-Inf or ##NaN");
    }
    if (!add_node(EdnKind::kFloat, at, std::bit_cast<uint64_t>(value))) return Step::kError;
    cur.p = stop;
    return complete();
  }

  Step read_keyword() {
    const EdnPosition at = here(cur.p);
    const char* stop = nullptr;
    if (!scan_token(cur.p + 1, &stop)) return need_more();
    const std::string_view name(cur.p + 1, static_cast<size_t>(stop - cur.p - 1));
    if (!name.empty() && name.front() == ':') {
      return fail(at, "auto-resolved keywords (::" + std::string(name.substr(1)) + ") are not EDN");
    }
    if (name.empty()) return fail(at, "expected a keyword's name after ':'");
    if (!valid_name(name, at, "keyword")) return Step::kError;
    const size_t text_begin = form.text_.size();
    form.text_.append(name);
    if (!add_text_node(EdnKind::kKeyword, at, text_begin)) return Step::kError;
    cur.p = stop;
    return complete();
  }

  // nil, true, false, a number or a symbol.
  Step read_token() {
    const EdnPosition at = here(cur.p);
    const char* stop = nullptr;
    if (!scan_token(cur.p, &stop)) return need_more();
    const std::string_view token(cur.p, static_cast<size_t>(stop - cur.p));
    const bool numeric = is_digit(token[0]) || ((token[0] == '+' || token[0] == '-') &&
                                                token.size() > 1 && is_digit(token[1]));
    bool added = false;
    if (numeric) {
      added = add_number(token, at);
    } else if (token == "nil") {
      added = add_node(EdnKind::kNil, at);
    } else if (token == "true" || token == "false") {
      added = add_node(EdnKind::kBoolean, at, token == "true" ? 1 : 0);
    } else if (valid_name(token, at, "symbol")) {
      const size_t text_begin = form.text_.size();
      form.text_.append(token);
      added = add_text_node(EdnKind::kSymbol, at, text_begin);
    }
    if (!added) return Step::kError;
    cur.p = stop;
    return complete();
  }

  bool add_number(std::string_view token, EdnPosition at) {
    // Nearly every number in a history is a short decimal integer.
    if (token.size() <= 18) {
      const bool negative = token.front() == '-';
      const size_t first = negative || token.front() == '+' ? 1 : 0;
      int64_t value = 0;
      size_t i = first;
      while (i < token.size() && is_digit(token[i])) value = value * 10 + (token[i++] - '0');
      const bool leading_zero = token[first] == '0' && token.size() - first > 1;
      if (i == token.size() && !leading_zero) {
        return add_node(EdnKind::kInteger, at, static_cast<uint64_t>(negative ? -value : value));
      }
    }
    auto number = detail::parse_edn_number(token);
    if (!number.ok()) {
      fail(at, "'" + std::string(token) + "' " + number.error());
      return false;
    }
    return add_node(number.value().kind, at, number.value().payload);
  }

  Step read_string() {
    const EdnPosition at = here(cur.p);
    const size_t text_begin = form.text_.size();
    std::string& text = form.text_;
    const char* p = cur.p + 1;
    while (true) {
      const char* const run = p;
      while (p != end) {
        const auto c = static_cast<unsigned char>(*p);
        if (c == '"' || c == '\\' || c == '\n' || c >= 0x80) break;
        ++p;
      }
      text.append(run, p);
      if (text.size() - text_begin > limits.string_bytes_max) {
        too_big(at, EdnKind::kString);
        return Step::kError;
      }
      if (p == end) return cut_off(at, "a string");
      const char c = *p;
      if (c == '"') {
        ++p;
        break;
      }
      if (c == '\n') {
        text.push_back('\n');
        ++p;
        ++cur.line;
        cur.line_start = p - base;
        continue;
      }
      if (c != '\\') {
        const int length = utf8_length(p, end);
        if (length < 0) return cut_off(at, "a string");
        if (length == 0) return fail(here(p), "invalid UTF-8 in a string");
        text.append(p, static_cast<size_t>(length));
        p += length;
        continue;
      }
      const Step escaped = read_escape(p, text);
      if (escaped != Step::kContinue) return escaped;
    }
    if (!add_text_node(EdnKind::kString, at, text_begin)) return Step::kError;
    cur.p = p;
    return complete();
  }

  // The escape at p (a backslash in a string); moves p past it.
  Step read_escape(const char*& p, std::string& text) {
    const EdnPosition at = here(p);
    if (end - p < 2) return cut_off(at, "a string escape");
    const char c = p[1];
    const char* simple = nullptr;
    switch (c) {
      case '"':
        simple = "\"";
        break;
      case '\\':
        simple = "\\";
        break;
      case 'n':
        simple = "\n";
        break;
      case 't':
        simple = "\t";
        break;
      case 'r':
        simple = "\r";
        break;
      case 'b':
        simple = "\b";
        break;
      case 'f':
        simple = "\f";
        break;
      case 'u':
        break;
      default:
        return fail(at, "bad escape '\\" + std::string(1, c) +
                            "' in a string: expected \\\" \\\\ \\n \\t \\r \\b \\f or \\uXXXX");
    }
    if (simple != nullptr) {
      text.push_back(*simple);
      p += 2;
      return Step::kContinue;
    }
    if (end - p < 6) return cut_off(at, "a \\u escape");
    const auto unit = hex4(p + 2);
    if (!unit) return fail(at, "bad escape: \\u needs four hex digits");
    uint32_t codepoint = *unit;
    p += 6;
    if (codepoint >= 0xDC00 && codepoint <= 0xDFFF) {
      return fail(at, "a lone low surrogate \\u escape");
    }
    if (codepoint >= 0xD800 && codepoint <= 0xDBFF) {
      // A UTF-16 pair: the low half must follow as another \u escape.
      if (end - p < 6 && could_be_escape(p)) return cut_off(at, "a \\u escape pair");
      const auto low = end - p >= 6 && p[0] == '\\' && p[1] == 'u' ? hex4(p + 2) : std::nullopt;
      if (!low || *low < 0xDC00 || *low > 0xDFFF) {
        return fail(at, "a high surrogate \\u escape without its low half");
      }
      codepoint = 0x10000 + ((codepoint - 0xD800) << 10) + (*low - 0xDC00);
      p += 6;
    }
    append_utf8(text, codepoint);
    return Step::kContinue;
  }

  // Whether the bytes left at p (fewer than six) begin a \uXXXX escape.
  bool could_be_escape(const char* p) const {
    static constexpr std::string_view kHexDigits = "0123456789abcdefABCDEF";
    for (ptrdiff_t i = 0; i < end - p; ++i) {
      const bool fits = i == 0   ? p[i] == '\\'
                        : i == 1 ? p[i] == 'u'
                                 : kHexDigits.find(p[i]) != std::string_view::npos;
      if (!fits) return false;
    }
    return true;
  }

  Step read_character() {
    const EdnPosition at = here(cur.p);
    if (end - cur.p < 2) return cut_off(at, "a character");
    const int first = utf8_length(cur.p + 1, end);
    if (first < 0) return cut_off(at, "a character");
    if (first == 0) return fail(at, "invalid UTF-8 in a character");
    const char* stop = nullptr;
    if (!scan_token(cur.p + 1 + first, &stop)) return need_more();
    const std::string_view name(cur.p + 1, static_cast<size_t>(stop - cur.p - 1));
    const size_t text_begin = form.text_.size();
    if (name.size() == static_cast<size_t>(first)) {
      form.text_.append(name);
    } else if (name == "newline") {
      form.text_.push_back('\n');
    } else if (name == "space") {
      form.text_.push_back(' ');
    } else if (name == "tab") {
      form.text_.push_back('\t');
    } else if (name == "return") {
      form.text_.push_back('\r');
    } else if (name == "backspace") {
      form.text_.push_back('\b');
    } else if (name == "formfeed") {
      form.text_.push_back('\f');
    } else {
      const auto unit = name.size() == 5 && name[0] == 'u' ? hex4(name.data() + 1) : std::nullopt;
      if (!unit || (*unit >= 0xD800 && *unit <= 0xDFFF)) {
        if (name.size() > 64) return fail(at, "unknown character name");
        return fail(at, "unknown character name '\\" + std::string(name) + "'");
      }
      append_utf8(form.text_, *unit);
    }
    if (!add_text_node(EdnKind::kCharacter, at, text_begin)) return Step::kError;
    cur.p = stop;
    return complete();
  }
};

EdnStep parse_form(EdnParseState& state, const EdnLimits& limits, EdnForm& form,
                   std::vector<detail::EdnFrame>& frames) {
  EdnParser parser{state.base, state.end, state.final, limits, form, frames, state.cur};
  const EdnParser::Step step = parser.parse();
  state.cur = parser.cur;
  state.form_start = parser.form_start;
  switch (step) {
    case EdnParser::Step::kValue:
      return EdnStep::kValue;
    case EdnParser::Step::kEnd:
      return EdnStep::kEnd;
    case EdnParser::Step::kNeedMore:
      return EdnStep::kNeedMore;
    default:
      state.error = std::move(parser.error);
      return EdnStep::kError;
  }
}

std::string position_text(EdnPosition at) {
  return "line " + std::to_string(at.line) + ", column " + std::to_string(at.column);
}

}  // namespace eddy::checker
