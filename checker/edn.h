// A small, bounded reader and printer of EDN (github.com/edn-format/edn), for
// what Jepsen writes into a Maelstrom store: history.edn (one op map per
// line) and results.edn (the verdict map).
//
// How it works: a form (one top-level value and everything inside it) is
// parsed without recursion into a flat array of nodes in preorder; each node
// knows how many nodes its subtree spans, so a value's children are reached
// by skipping, and the nodes and texts of one form live in two buffers that
// are reused for the next form. EdnValue is a cheap view into a form.
// EdnReader reads a stream of forms in chunks and holds one form at a time.
//
// Accepted: nil, true, false, integers (int64; an `N` suffix is accepted when
// the value fits; Clojure's 0x hex too, which Jepsen's #object[... 0x5c7b4c2d
// ...] printouts hold), floats (with ##Inf, ##-Inf, ##NaN), strings (escapes
// \" \\ \n \t \r \b \f \uXXXX; UTF-8 checked), characters (\c, \newline,
// \space, \tab, \return, \backspace, \formfeed, \uXXXX), keywords, symbols,
// lists, vectors, maps, sets, tagged literals (#tag value: a record such as
// #knossos.model.CASRegister{:value 3} is its tag plus its map), `;` comments,
// commas as whitespace, `#_` discard. Refused with a message naming the line
// and column (both 1-based; columns count bytes) and what was expected:
// anything else (ratios, BigDecimals, octal and 2r101-style radix integers,
// integers beyond int64, metadata, reader conditionals `#?`, regexes, `::` keywords...),
// truncated input, unbalanced brackets, a map with an odd number of forms, and
// any EdnLimits overrun. A map's duplicate keys and a set's duplicate
// elements are not detected.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace eddy::checker {

enum class EdnKind : uint8_t {
  kNil,
  kBoolean,
  kInteger,
  kFloat,
  kString,
  kCharacter,
  kKeyword,
  kSymbol,
  kList,
  kVector,
  kMap,
  kSet,
  kTagged,
};

// "nil", "boolean", "integer", ... "tagged literal": for error messages.
std::string_view to_string(EdnKind kind);

// Every bound the reader enforces; a form that breaks one is an error, read
// no further than the point where it broke.
struct EdnLimits {
  // Open collections, tagged literals and discards around a value. Jepsen's
  // op maps nest about 6 deep; results.edn some 20.
  size_t depth_max = 512;
  // One string, keyword, symbol, tag or character, in bytes after unescaping.
  size_t string_bytes_max = size_t{1} << 20;
  // Values in one form, nested ones included (each costs 32 bytes): a final
  // poll of a long kafka run holds 3 per message read.
  size_t form_values_max = size_t{1} << 23;
  // Bytes of text of one form (comments and discarded forms before it count).
  // At most 4 GiB: positions inside a form are 32-bit.
  size_t form_bytes_max = size_t{64} << 20;
};

struct EdnPosition {
  int64_t line = 1;
  int64_t column = 1;  // in bytes
  friend bool operator==(const EdnPosition&, const EdnPosition&) = default;
};

struct EdnError {
  EdnPosition position;
  std::string message;  // what was found and what was expected
  // "line 3, column 7: <message>"
  std::string to_string() const;
};

namespace detail {
// One value of a form, in preorder. Internal to edn.cc; here for EdnForm's
// size only.
struct EdnNode {
  EdnKind kind = EdnKind::kNil;
  uint32_t count = 0;  // collections: direct children (a map: keys and values); tagged: 1
  uint32_t span = 1;   // nodes in this subtree, itself included
  uint32_t line = 0;   // relative to the form's first line
  uint32_t column = 0;
  uint64_t payload = 0;  // the boolean, integer or double bits; or text (begin << 32 | size)
};
// An open collection, tagged literal or discard while a form is parsed.
struct EdnFrame {
  uint32_t node = 0;  // the collection's or tag's node; for a discard, the nodes' size before it
  uint32_t text_mark = 0;  // for a discard: the text's size before it
  bool discard = false;
};
}  // namespace detail

class EdnForm;

// A view of one value of an EdnForm; valid while the form lives, is not
// moved, and has not been refilled by EdnReader::next. Accessors of the wrong
// kind are broken invariants (asserted), so check kind() first.
class EdnValue {
 public:
  EdnKind kind() const { return node().kind; }
  bool is(EdnKind kind) const { return node().kind == kind; }
  bool is_nil() const { return is(EdnKind::kNil); }
  // A keyword with this name (without ':').
  bool is_keyword(std::string_view name) const { return is(EdnKind::kKeyword) && text() == name; }
  // list, vector, map or set
  bool is_collection() const;

  bool boolean() const;
  int64_t integer() const;
  double number() const;  // kFloat
  // kString and kCharacter: the UTF-8 text. kKeyword: the name without ':'
  // ("valid?", "foo/bar"). kSymbol: the symbol. kTagged: the tag without '#'.
  std::string_view text() const;

  // Collections and tagged literals: the direct children, in order; a map's
  // are key, value, key, value...; a tagged literal's is its value.
  class Children;
  Children children() const;
  // Elements of a list, vector or set; entries of a map; 1 for a tagged literal.
  size_t size() const;
  // The i-th child (as children() counts them); walks i siblings.
  EdnValue child(size_t i) const;
  // A map's value under the keyword `name` (without ':'); nullopt if absent.
  std::optional<EdnValue> find(std::string_view keyword_name) const;
  EdnValue tagged_value() const;  // kTagged

  // Where the value's first character is, in the text the form was read from.
  EdnPosition position() const;

 private:
  friend class EdnForm;
  friend struct EdnParser;
  friend void append_edn(EdnValue value, std::string& out);
  EdnValue(const EdnForm* form, uint32_t index) : form_(form), index_(index) {}
  const detail::EdnNode& node() const;

  const EdnForm* form_;
  uint32_t index_;
};

class EdnValue::Children {
 public:
  class Iterator {
   public:
    EdnValue operator*() const { return EdnValue(form_, index_); }
    Iterator& operator++();
    friend bool operator==(const Iterator& a, const Iterator& b) { return a.index_ == b.index_; }

   private:
    friend class Children;
    Iterator(const EdnForm* form, uint32_t index) : form_(form), index_(index) {}
    const EdnForm* form_;
    uint32_t index_;
  };
  Iterator begin() const { return {form_, first_}; }
  Iterator end() const { return {form_, end_}; }

 private:
  friend class EdnValue;
  Children(const EdnForm* form, uint32_t first, uint32_t end)
      : form_(form), first_(first), end_(end) {}
  const EdnForm* form_;
  uint32_t first_;
  uint32_t end_;
};

// One parsed top-level value and the storage behind it.
class EdnForm {
 public:
  EdnValue root() const;  // pre: the form holds a value

 private:
  friend class EdnValue;
  friend class EdnReader;
  friend struct EdnParser;
  void clear();

  std::vector<detail::EdnNode> nodes_;
  std::string text_;  // unescaped strings, keyword and symbol names, tags
  int64_t first_line_ = 1;
};

// Parses `text`, which must hold exactly one value (blanks, comments and
// discarded forms around it are fine).
core::Result<EdnForm, EdnError> parse_edn(std::string_view text, const EdnLimits& limits = {});

// Reads the top-level forms of a stream one at a time, holding one form (and
// about `chunk_bytes` more of the stream) in memory. Positions count from the
// start of the stream.
class EdnReader {
 public:
  static constexpr size_t kChunkBytes = size_t{64} << 10;
  explicit EdnReader(std::istream& in, EdnLimits limits = {}, size_t chunk_bytes = kChunkBytes);

  // The next form, which stays valid until the next call; nullopt at the end
  // of the stream. After an error, every later call returns the same error.
  core::Result<std::optional<EdnValue>, EdnError> next();

 private:
  bool refill(size_t keep_from);

  std::istream& in_;
  EdnLimits limits_;
  size_t chunk_bytes_;
  std::string buffer_;
  size_t begin_ = 0;  // the unread part of buffer_ is [begin_, end_)
  size_t end_ = 0;
  bool at_eof_ = false;
  int64_t line_ = 1;
  int64_t line_start_ = 0;  // where the current line starts, relative to buffer_[0]
  std::optional<EdnError> failed_;
  EdnForm form_;
  std::vector<detail::EdnFrame> frames_;
};

// The accessors every import calls per value, inline.
inline const detail::EdnNode& EdnValue::node() const { return form_->nodes_[index_]; }

inline bool EdnValue::is_collection() const {
  const EdnKind k = kind();
  return k == EdnKind::kList || k == EdnKind::kVector || k == EdnKind::kMap || k == EdnKind::kSet;
}

inline size_t EdnValue::size() const {
  assert(is_collection() || is(EdnKind::kTagged));
  return is(EdnKind::kMap) ? node().count / 2 : node().count;
}

inline int64_t EdnValue::integer() const {
  assert(is(EdnKind::kInteger));
  return static_cast<int64_t>(node().payload);
}

inline std::string_view EdnValue::text() const {
  assert(is(EdnKind::kString) || is(EdnKind::kCharacter) || is(EdnKind::kKeyword) ||
         is(EdnKind::kSymbol) || is(EdnKind::kTagged));
  const uint64_t payload = node().payload;
  return std::string_view(form_->text_).substr(payload >> 32, payload & 0xFFFFFFFFu);
}

inline EdnValue::Children EdnValue::children() const {
  assert(is_collection() || is(EdnKind::kTagged));
  return Children(form_, index_ + 1, index_ + node().span);
}

inline EdnValue::Children::Iterator& EdnValue::Children::Iterator::operator++() {
  index_ += form_->nodes_[index_].span;
  return *this;
}

// The compact EDN text of a value, which reads back as an equal value:
// single spaces between elements, ", " between map entries (as Clojure's
// `pr` writes them), shortest round-trip floats.
std::string to_edn_text(EdnValue value);
void append_edn(EdnValue value, std::string& out);

}  // namespace eddy::checker
