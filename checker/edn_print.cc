// The compact EDN printer (edn.h: to_edn_text, append_edn).
//
// It walks the value's nodes in preorder, as they are stored, with a stack of
// the collections still open: no recursion, so any value the parser accepted
// prints. Separators follow Clojure's `pr` (a space between elements, ", "
// between map entries) so that a printed op reads like Jepsen's own.
#include <array>
#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "checker/edn.h"

namespace eddy::checker {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_unicode_escape(std::string& out, unsigned char c) {
  out.append("\\u00");
  out.push_back(kHex[c >> 4]);
  out.push_back(kHex[c & 0xF]);
}

void append_string(std::string& out, std::string_view text) {
  out.push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
          append_unicode_escape(out, static_cast<unsigned char>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

void append_character(std::string& out, std::string_view text) {
  out.push_back('\\');
  if (text == "\n") {
    out.append("newline");
  } else if (text == " ") {
    out.append("space");
  } else if (text == "\t") {
    out.append("tab");
  } else if (text == "\r") {
    out.append("return");
  } else if (text == "\b") {
    out.append("backspace");
  } else if (text == "\f") {
    out.append("formfeed");
  } else if (text.size() == 1 && (static_cast<unsigned char>(text[0]) < 0x20 || text[0] == 0x7F)) {
    out.append("u00");
    out.push_back(kHex[static_cast<unsigned char>(text[0]) >> 4]);
    out.push_back(kHex[static_cast<unsigned char>(text[0]) & 0xF]);
  } else {
    out.append(text);
  }
}

void append_float(std::string& out, double value) {
  if (std::isnan(value)) {
    out.append("##NaN");
    return;
  }
  if (std::isinf(value)) {
    out.append(value > 0 ? "##Inf" : "##-Inf");
    return;
  }
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  const std::string_view text(buffer.data(), static_cast<size_t>(result.ptr - buffer.data()));
  out.append(text);
  // Shortest round-trip text may look like an integer ("3"); it must read
  // back as a float.
  if (text.find_first_of(".e") == std::string_view::npos) out.append(".0");
}

void append_scalar(std::string& out, EdnValue value) {
  switch (value.kind()) {
    case EdnKind::kNil:
      out.append("nil");
      break;
    case EdnKind::kBoolean:
      out.append(value.boolean() ? "true" : "false");
      break;
    case EdnKind::kInteger: {
      std::array<char, 24> buffer{};
      const auto result =
          std::to_chars(buffer.data(), buffer.data() + buffer.size(), value.integer());
      out.append(buffer.data(), result.ptr);
      break;
    }
    case EdnKind::kFloat:
      append_float(out, value.number());
      break;
    case EdnKind::kString:
      append_string(out, value.text());
      break;
    case EdnKind::kCharacter:
      append_character(out, value.text());
      break;
    case EdnKind::kKeyword:
      out.push_back(':');
      out.append(value.text());
      break;
    case EdnKind::kSymbol:
      out.append(value.text());
      break;
    default:
      break;
  }
}

struct Open {
  EdnKind kind;
  size_t children;  // how many it has
  size_t printed;   // how many have been started
};

}  // namespace

void append_edn(EdnValue value, std::string& out) {
  std::vector<Open> open;
  const auto print = [&](EdnValue v) {
    if (!open.empty()) {
      Open& parent = open.back();
      if (parent.printed > 0) {
        const bool after_map_value = parent.kind == EdnKind::kMap && parent.printed % 2 == 0;
        out.append(after_map_value ? ", " : " ");
      } else if (parent.kind == EdnKind::kTagged && !v.is(EdnKind::kMap) &&
                 !v.is(EdnKind::kVector) && !v.is(EdnKind::kList)) {
        // #inst "...": a space; a record #x.Y{...} is written without one.
        out.push_back(' ');
      }
      ++parent.printed;
    }
    switch (v.kind()) {
      case EdnKind::kList:
        out.push_back('(');
        break;
      case EdnKind::kVector:
        out.push_back('[');
        break;
      case EdnKind::kMap:
        out.push_back('{');
        break;
      case EdnKind::kSet:
        out.append("#{");
        break;
      case EdnKind::kTagged:
        out.push_back('#');
        out.append(v.text());
        break;
      default:
        append_scalar(out, v);
        break;
    }
    if (v.is_collection() || v.is(EdnKind::kTagged)) {
      const size_t children = v.is(EdnKind::kMap) ? 2 * v.size() : v.size();
      open.push_back(Open{v.kind(), children, 0});
    }
    // Close every collection whose last child has just been printed.
    while (!open.empty() && open.back().printed == open.back().children) {
      switch (open.back().kind) {
        case EdnKind::kList:
          out.push_back(')');
          break;
        case EdnKind::kVector:
          out.push_back(']');
          break;
        case EdnKind::kMap:
        case EdnKind::kSet:
          out.push_back('}');
          break;
        default:
          break;
      }
      open.pop_back();
    }
  };
  // The nodes of a value are stored in preorder: print them in that order.
  const uint32_t end = value.index_ + value.node().span;
  for (uint32_t index = value.index_; index < end; ++index) print(EdnValue(value.form_, index));
}

std::string to_edn_text(EdnValue value) {
  std::string out;
  append_edn(value, out);
  return out;
}

}  // namespace eddy::checker
