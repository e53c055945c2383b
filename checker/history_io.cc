#include "checker/history_io.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <optional>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "checker/json_fields.h"
#include "core/json_writer.h"

namespace eddy::checker {

namespace {

using detail::fail;
using detail::field;
using detail::int_of;
using detail::string_of;
using nlohmann::json;

constexpr std::array<std::string_view, 4> kTypeNames{"invoke", "ok", "fail", "info"};
constexpr std::array<std::string_view, 5> kFNames{"send", "poll", "assign", "crash", "nemesis"};

int64_t value_of(const json& value, std::string_view what) {
  if (value.is_null()) return kNonIntegerValue;
  return int_of(value, what);
}

// The reference parser: nlohmann's DOM. Every error comes from here.
core::Result<Op, std::string> parse_op_line_dom(std::string_view line) {
  const json document = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return core::Err{std::string("not valid JSON")};
  if (!document.is_object()) return core::Err{std::string("not a JSON object")};
  try {
    Op op;
    op.index = int_of(field(document, "index"), "index");
    op.time_us = int_of(field(document, "time_us"), "time_us");
    op.process = detail::process_of(field(document, "process"), kNemesisProcess);
    const auto type = op_type_from(string_of(field(document, "type"), "type"));
    if (!type) fail("type must be invoke, ok, fail or info");
    op.type = *type;
    const auto f = op_f_from(string_of(field(document, "f"), "f"));
    if (!f) fail("f must be send, poll, assign, crash or nemesis");
    op.f = *f;
    switch (op.f) {
      case OpF::kSend:
        op.key = string_of(field(document, "key"), "key");
        op.value = value_of(field(document, "value"), "value");
        if (const auto it = document.find("offset"); it != document.end()) {
          op.offset = int_of(*it, "offset");
        }
        if (op.type == OpType::kOk && !op.offset) fail("an ok send needs an offset");
        break;
      case OpF::kPoll:
        if (const auto it = document.find("msgs"); it != document.end()) {
          if (!it->is_object()) fail("msgs must be an object");
          for (const auto& [key, records] : it->items()) {
            if (!records.is_array()) fail("msgs of key '" + key + "' must be an array");
            PolledKey polled{key, {}};
            for (const json& record : records) {
              if (!record.is_array() || record.size() != 2) {
                fail("a record of key '" + key + "' must be [offset, value]");
              }
              polled.records.push_back(
                  PolledRecord{int_of(record[0], "an offset"), value_of(record[1], "a value")});
            }
            op.polled.push_back(std::move(polled));
          }
        }
        break;
      case OpF::kAssign: {
        const json& keys = field(document, "keys");
        if (!keys.is_array()) fail("keys must be an array");
        for (const json& key : keys) op.keys.push_back(string_of(key, "a key"));
        if (const auto it = document.find("seek_to_beginning"); it != document.end()) {
          op.seek_to_beginning = it->is_boolean() && it->get<bool>();
        }
        if (const auto it = document.find("committed"); it != document.end()) {
          if (!it->is_object()) fail("committed must be an object");
          op.committed.emplace();
          for (const auto& [key, offset] : it->items()) {
            op.committed->emplace_back(key, int_of(offset, "a committed offset"));
          }
        }
        break;
      }
      case OpF::kCrash:
        break;
      case OpF::kNemesis:
        if (const auto it = document.find("nemesis"); it != document.end()) {
          op.nemesis = string_of(*it, "nemesis");
        }
        break;
    }
    if (const auto it = document.find("error"); it != document.end()) {
      op.error = string_of(*it, "error");
    }
    if (const auto it = document.find("node"); it != document.end()) {
      op.node = string_of(*it, "node");
    }
    if (const auto it = document.find("client"); it != document.end()) {
      op.client = string_of(*it, "client");
    }
    return op;
  } catch (const detail::FieldError& error) {
    return core::Err{error.text};
  }
}

// The fields parse_op_line_dom reads; anything else is ignored.
enum class Field : uint8_t {
  kIndex,
  kTimeUs,
  kProcess,
  kType,
  kF,
  kKey,
  kValue,
  kOffset,
  kMsgs,
  kKeys,
  kSeekToBeginning,
  kCommitted,
  kError,
  kNemesis,
  kNode,
  kClient,
  kUnknown,
};

constexpr uint32_t bit(Field field) { return uint32_t{1} << static_cast<unsigned>(field); }

// name == word, with a length known at compile time: no call to memcmp.
template <size_t N>
bool is(std::string_view name, const char (&word)[N]) {
  return name.size() == N - 1 && std::memcmp(name.data(), word, N - 1) == 0;
}

Field field_of(std::string_view name) {
  switch (name.size()) {
    case 1:
      if (is(name, "f")) return Field::kF;
      break;
    case 3:
      if (is(name, "key")) return Field::kKey;
      break;
    case 4:
      if (is(name, "type")) return Field::kType;
      if (is(name, "msgs")) return Field::kMsgs;
      if (is(name, "keys")) return Field::kKeys;
      if (is(name, "node")) return Field::kNode;
      break;
    case 5:
      if (is(name, "index")) return Field::kIndex;
      if (is(name, "value")) return Field::kValue;
      if (is(name, "error")) return Field::kError;
      break;
    case 6:
      if (is(name, "offset")) return Field::kOffset;
      if (is(name, "client")) return Field::kClient;
      break;
    case 7:
      if (is(name, "time_us")) return Field::kTimeUs;
      if (is(name, "process")) return Field::kProcess;
      if (is(name, "nemesis")) return Field::kNemesis;
      break;
    case 9:
      if (is(name, "committed")) return Field::kCommitted;
      break;
    case 17:
      if (is(name, "seek_to_beginning")) return Field::kSeekToBeginning;
      break;
    default:
      break;
  }
  return Field::kUnknown;
}

void append_utf8(std::string& out, uint32_t codepoint) {
  if (codepoint < 0x80) {
    out.push_back(static_cast<char>(codepoint));
  } else if (codepoint < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (codepoint >> 6)));
    out.push_back(static_cast<char>(0x80 | (codepoint & 0x3F)));
  } else if (codepoint < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (codepoint >> 12)));
    out.push_back(static_cast<char>(0x80 | ((codepoint >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (codepoint & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (codepoint >> 18)));
    out.push_back(static_cast<char>(0x80 | ((codepoint >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((codepoint >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (codepoint & 0x3F)));
  }
}

// Sorts an object's members by key, as nlohmann's std::map holds them; false
// where a key repeats (the DOM keeps the last one: left to it).
template <class T, class KeyOf>
bool sort_members(std::vector<T>& members, KeyOf key_of) {
  bool sorted = true;
  for (size_t i = 1; i < members.size() && sorted; ++i) {
    sorted = key_of(members[i - 1]) < key_of(members[i]);
  }
  if (sorted) return true;
  std::sort(members.begin(), members.end(),
            [&](const T& a, const T& b) { return key_of(a) < key_of(b); });
  for (size_t i = 1; i < members.size(); ++i) {
    if (key_of(members[i - 1]) == key_of(members[i])) return false;
  }
  return true;
}

// The fast path of parse_op_line: a scanner for the lines append_op_line
// writes that also takes what the format allows besides (any field order,
// whitespace, escapes, unknown fields). It accepts a strict subset of what
// parse_op_line_dom accepts, with the same result, and reports no errors: on
// anything unusual or wrong (non-ASCII text, floats, numbers beyond int64, a
// repeated field, a value of an unexpected type, invalid JSON...) parse()
// returns false and the caller asks parse_op_line_dom.
class FastParser {
 public:
  // Parses text into op, which must be default-constructed; on false, op holds
  // garbage.
  bool parse(std::string_view text, Op& op) {
    p_ = text.data();
    end_ = text.data() + text.size();
    if (!consume('{')) return false;
    uint32_t seen = 0;
    do {
      skip_whitespace();
      std::string_view name;
      if (!read_string(name)) return false;
      const Field field = field_of(name);
      if (field != Field::kUnknown) {
        if ((seen & bit(field)) != 0) return false;
        seen |= bit(field);
      }
      if (!consume(':') || !read_field(field, op)) return false;
    } while (consume(','));
    if (!consume('}')) return false;
    skip_whitespace();
    if (p_ != end_) return false;
    return finish(seen, op);
  }

 private:
  static constexpr int kMaxDepth = 64;

  static bool is_whitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

  void skip_whitespace() {
    while (p_ != end_ && is_whitespace(*p_)) ++p_;
  }

  bool consume(char c) {
    skip_whitespace();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }

  bool next_is(char c) {
    skip_whitespace();
    return p_ != end_ && *p_ == c;
  }

  bool read_literal(std::string_view word) {
    skip_whitespace();
    if (static_cast<size_t>(end_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  // An integer in int64's range, without fraction or exponent.
  bool read_int(int64_t& out) {
    skip_whitespace();
    const bool negative = p_ != end_ && *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    uint64_t magnitude = 0;
    if (*p_ == '0') {
      ++p_;
    } else {
      int digits = 0;
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9') {
        if (++digits > 19) return false;  // 19 digits cannot overflow uint64
        magnitude = magnitude * 10 + static_cast<uint64_t>(*p_ - '0');
        ++p_;
      }
    }
    if (p_ != end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E' || (*p_ >= '0' && *p_ <= '9'))) {
      return false;
    }
    constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    if (negative) {
      if (magnitude > kMax + 1) return false;
      out = magnitude == kMax + 1 ? std::numeric_limits<int64_t>::min()
                                  : -static_cast<int64_t>(magnitude);
    } else {
      if (magnitude > kMax) return false;
      out = static_cast<int64_t>(magnitude);
    }
    return true;
  }

  // A message: an integer, or null for one that was not.
  bool read_value(int64_t& out) {
    if (next_is('n')) {
      out = kNonIntegerValue;
      return read_literal("null");
    }
    return read_int(out);
  }

  bool read_hex4(uint32_t& out) {
    if (end_ - p_ < 4) return false;
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = *p_++;
      uint32_t digit = 0;
      if (c >= '0' && c <= '9') {
        digit = static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        digit = static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return false;
      }
      out = out * 16 + digit;
    }
    return true;
  }

  // A string at the current position (no whitespace before it). out views the
  // input, or scratch_ where the string has escapes: valid until the next call.
  bool read_string(std::string_view& out) {
    if (p_ == end_ || *p_ != '"') return false;
    const char* const start = ++p_;
    while (true) {
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out = std::string_view(start, static_cast<size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c == '\\') break;
      // nlohmann refuses control characters and checks UTF-8: left to it.
      if (c < 0x20 || c >= 0x80) return false;
      ++p_;
    }
    scratch_.assign(start, p_);
    while (true) {
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_++);
      if (c == '"') {
        out = scratch_;
        return true;
      }
      if (c < 0x20 || c >= 0x80) return false;
      if (c != '\\') {
        scratch_.push_back(static_cast<char>(c));
        continue;
      }
      if (p_ == end_) return false;
      switch (*p_++) {
        case '"':
          scratch_.push_back('"');
          break;
        case '\\':
          scratch_.push_back('\\');
          break;
        case '/':
          scratch_.push_back('/');
          break;
        case 'b':
          scratch_.push_back('\b');
          break;
        case 'f':
          scratch_.push_back('\f');
          break;
        case 'n':
          scratch_.push_back('\n');
          break;
        case 'r':
          scratch_.push_back('\r');
          break;
        case 't':
          scratch_.push_back('\t');
          break;
        case 'u': {
          uint32_t codepoint = 0;
          if (!read_hex4(codepoint)) return false;
          if (codepoint >= 0xD800 && codepoint <= 0xDBFF) {
            uint32_t low = 0;
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
            p_ += 2;
            if (!read_hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
            codepoint = 0x10000 + ((codepoint - 0xD800) << 10) + (low - 0xDC00);
          } else if (codepoint >= 0xDC00 && codepoint <= 0xDFFF) {
            return false;
          }
          append_utf8(scratch_, codepoint);
          break;
        }
        default:
          return false;
      }
    }
  }

  // Into a std::string or a ShortString.
  template <class Text>
  bool read_string_into(Text& out) {
    skip_whitespace();
    std::string_view text;
    if (!read_string(text)) return false;
    out.assign(text);
    return true;
  }

  // Any JSON value, ignored. Numbers only as read_int takes them: nlohmann
  // refuses floats that overflow, which is left to it.
  bool skip_value(int depth) {
    skip_whitespace();
    if (p_ == end_) return false;
    switch (*p_) {
      case '"': {
        std::string_view text;
        return read_string(text);
      }
      case 't':
        return read_literal("true");
      case 'f':
        return read_literal("false");
      case 'n':
        return read_literal("null");
      case '[':
        if (depth >= kMaxDepth) return false;
        ++p_;
        if (consume(']')) return true;
        do {
          if (!skip_value(depth + 1)) return false;
        } while (consume(','));
        return consume(']');
      case '{':
        if (depth >= kMaxDepth) return false;
        ++p_;
        if (consume('}')) return true;
        do {
          skip_whitespace();
          std::string_view name;
          if (!read_string(name) || !consume(':') || !skip_value(depth + 1)) return false;
        } while (consume(','));
        return consume('}');
      default: {
        int64_t number = 0;
        return read_int(number);
      }
    }
  }

  bool read_msgs(std::vector<PolledKey>& polled) {
    if (!consume('{')) return false;
    if (!consume('}')) {
      do {
        skip_whitespace();
        std::string_view key;
        if (!read_string(key)) return false;
        PolledKey& entry = polled.emplace_back();
        entry.key.assign(key);
        if (!consume(':') || !consume('[')) return false;
        if (consume(']')) continue;
        do {
          PolledRecord record;
          if (!consume('[') || !read_int(record.offset) || !consume(',') ||
              !read_value(record.value) || !consume(']')) {
            return false;
          }
          entry.records.push_back(record);
        } while (consume(','));
        if (!consume(']')) return false;
      } while (consume(','));
      if (!consume('}')) return false;
    }
    return sort_members(polled, [](const PolledKey& entry) { return entry.key.view(); });
  }

  bool read_keys(std::vector<std::string>& keys) {
    if (!consume('[')) return false;
    if (consume(']')) return true;
    do {
      if (!read_string_into(keys.emplace_back())) return false;
    } while (consume(','));
    return consume(']');
  }

  bool read_committed(std::vector<std::pair<std::string, int64_t>>& committed) {
    if (!consume('{')) return false;
    if (!consume('}')) {
      do {
        auto& entry = committed.emplace_back();
        if (!read_string_into(entry.first) || !consume(':') || !read_int(entry.second)) {
          return false;
        }
      } while (consume(','));
      if (!consume('}')) return false;
    }
    return sort_members(committed,
                        [](const std::pair<std::string, int64_t>& entry) -> const std::string& {
                          return entry.first;
                        });
  }

  bool read_field(Field field, Op& op) {
    switch (field) {
      case Field::kIndex:
        return read_int(op.index);
      case Field::kTimeUs:
        return read_int(op.time_us);
      case Field::kProcess:
        if (next_is('"')) {
          std::string_view text;
          if (!read_string(text) || !is(text, "nemesis")) return false;
          op.process = kNemesisProcess;
          return true;
        }
        return read_int(op.process) && op.process >= 0;
      case Field::kType: {
        skip_whitespace();
        std::string_view text;
        if (!read_string(text)) return false;
        if (is(text, "invoke")) {
          op.type = OpType::kInvoke;
        } else if (is(text, "ok")) {
          op.type = OpType::kOk;
        } else if (is(text, "fail")) {
          op.type = OpType::kFail;
        } else if (is(text, "info")) {
          op.type = OpType::kInfo;
        } else {
          return false;
        }
        return true;
      }
      case Field::kF: {
        skip_whitespace();
        std::string_view text;
        if (!read_string(text)) return false;
        if (is(text, "send")) {
          op.f = OpF::kSend;
        } else if (is(text, "poll")) {
          op.f = OpF::kPoll;
        } else if (is(text, "assign")) {
          op.f = OpF::kAssign;
        } else if (is(text, "crash")) {
          op.f = OpF::kCrash;
        } else if (is(text, "nemesis")) {
          op.f = OpF::kNemesis;
        } else {
          return false;
        }
        return true;
      }
      case Field::kKey:
        return read_string_into(op.key);
      case Field::kValue:
        return read_value(op.value);
      case Field::kOffset:
        return read_int(op.offset.emplace());
      case Field::kMsgs:
        return read_msgs(op.polled);
      case Field::kKeys:
        return read_keys(op.keys);
      case Field::kSeekToBeginning:
        // Anything but true is false.
        if (next_is('t')) {
          op.seek_to_beginning = true;
          return read_literal("true");
        }
        return skip_value(0);
      case Field::kCommitted:
        return read_committed(op.committed.emplace());
      case Field::kError:
        return read_string_into(op.error);
      case Field::kNemesis:
        return read_string_into(op.nemesis);
      case Field::kNode:
        return read_string_into(op.node);
      case Field::kClient:
        return read_string_into(op.client);
      case Field::kUnknown:
        return skip_value(0);
    }
    return false;
  }

  // Checks what parse_op_line_dom requires and drops what it ignores for op.f.
  static bool finish(uint32_t seen, Op& op) {
    constexpr uint32_t kRequired = bit(Field::kIndex) | bit(Field::kTimeUs) | bit(Field::kProcess) |
                                   bit(Field::kType) | bit(Field::kF);
    if ((seen & kRequired) != kRequired) return false;
    const auto drop = [&](Field field, auto& member) {
      if ((seen & bit(field)) != 0) member = std::remove_reference_t<decltype(member)>{};
    };
    if (op.f != OpF::kSend) {
      drop(Field::kKey, op.key);
      drop(Field::kValue, op.value);
      drop(Field::kOffset, op.offset);
    }
    if (op.f != OpF::kPoll) drop(Field::kMsgs, op.polled);
    if (op.f != OpF::kAssign) {
      drop(Field::kKeys, op.keys);
      drop(Field::kSeekToBeginning, op.seek_to_beginning);
      drop(Field::kCommitted, op.committed);
    }
    if (op.f != OpF::kNemesis) drop(Field::kNemesis, op.nemesis);
    switch (op.f) {
      case OpF::kSend:
        if ((seen & bit(Field::kKey)) == 0 || (seen & bit(Field::kValue)) == 0) return false;
        return op.type != OpType::kOk || op.offset.has_value();
      case OpF::kAssign:
        return (seen & bit(Field::kKeys)) != 0;
      case OpF::kPoll:
      case OpF::kCrash:
      case OpF::kNemesis:
        return true;
    }
    return false;
  }

  const char* p_ = nullptr;
  const char* end_ = nullptr;
  std::string scratch_;
};

}  // namespace

std::string_view to_string(OpType type) { return kTypeNames[static_cast<size_t>(type)]; }
std::string_view to_string(OpF f) { return kFNames[static_cast<size_t>(f)]; }

std::optional<OpType> op_type_from(std::string_view text) {
  for (size_t i = 0; i < kTypeNames.size(); ++i) {
    if (kTypeNames[i] == text) return static_cast<OpType>(i);
  }
  return std::nullopt;
}

std::optional<OpF> op_f_from(std::string_view text) {
  for (size_t i = 0; i < kFNames.size(); ++i) {
    if (kFNames[i] == text) return static_cast<OpF>(i);
  }
  return std::nullopt;
}

namespace {

using detail::put;

// The op's own fields' pieces: those both formats write, and the head's, are
// json_fields.h's.
using detail::kClient;
using detail::kError;
using detail::kKey;
using detail::kNemesis;
using detail::kNode;
using detail::kValue;
constexpr std::string_view kOffset = ",\"offset\":";
constexpr std::string_view kMsgs = ",\"msgs\":{";
constexpr std::string_view kKeys = ",\"keys\":[";
constexpr std::string_view kSeekToBeginning = ",\"seek_to_beginning\":true";
constexpr std::string_view kCommitted = ",\"committed\":{";
constexpr std::string_view kNull = "null";
static_assert(kNull.size() <= core::kIntBytesMax);

char* write_value(char* at, int64_t value) {
  return value == kNonIntegerValue ? put(at, kNull) : core::write_int(at, value);
}

// At most this many bytes for what write_op_line writes: each piece's bound,
// in write_op_line's order.
size_t op_line_bytes_max(const Op& op) {
  size_t bytes = detail::line_head_bytes_max(to_string(op.type), to_string(op.f));
  switch (op.f) {
    case OpF::kSend:
      bytes += kKey.size() + core::string_bytes_max(op.key) + kValue.size() + kOffset.size() +
               2 * core::kIntBytesMax;
      break;
    case OpF::kPoll:
      if (op.type != OpType::kOk) break;
      // Per key "," key ":[" "]"; per record ",[" offset "," value "]"; "}".
      bytes += kMsgs.size() + 1;
      for (const PolledKey& key : op.polled) {
        bytes +=
            4 + core::string_bytes_max(key.key) + key.records.size() * (4 + 2 * core::kIntBytesMax);
      }
      break;
    case OpF::kAssign:
      // "," key per key, then "]".
      bytes += kKeys.size() + 1 + kSeekToBeginning.size();
      for (const std::string& key : op.keys) bytes += 1 + core::string_bytes_max(key);
      if (op.committed) {
        // "," key ":" offset per key, then "}".
        bytes += kCommitted.size() + 1;
        for (const auto& [key, offset] : *op.committed) {
          bytes += 2 + core::string_bytes_max(key) + core::kIntBytesMax;
        }
      }
      break;
    case OpF::kCrash:
      break;
    case OpF::kNemesis:
      bytes += kNemesis.size() + core::string_bytes_max(op.nemesis);
      break;
  }
  return bytes + detail::optional_string_bytes_max(kError, op.error) +
         detail::optional_string_bytes_max(kNode, op.node) +
         detail::optional_string_bytes_max(kClient, op.client) + detail::kLineClose.size();
}

// ,"msgs":{"k1":[[0,5],[1,null]]}: the bulk of a kafka history's bytes.
char* write_polled(char* at, const std::vector<PolledKey>& polled) {
  at = put(at, kMsgs);
  for (size_t k = 0; k < polled.size(); ++k) {
    if (k > 0) *at++ = ',';
    at = core::write_string(at, polled[k].key);
    *at++ = ':';
    *at++ = '[';
    for (size_t r = 0; r < polled[k].records.size(); ++r) {
      const PolledRecord& record = polled[k].records[r];
      if (r > 0) *at++ = ',';
      *at++ = '[';
      at = core::write_int(at, record.offset);
      *at++ = ',';
      at = write_value(at, record.value);
      *at++ = ']';
    }
    *at++ = ']';
  }
  *at++ = '}';
  return at;
}

// One op's line at `at`, which has room for op_line_bytes_max(op).
char* write_op_line(const Op& op, char* at) {
  at = detail::write_line_head(at, op.index, op.time_us, op.process, kNemesisProcess,
                               to_string(op.type), to_string(op.f));
  switch (op.f) {
    case OpF::kSend:
      at = core::write_string(put(at, kKey), op.key);
      at = write_value(put(at, kValue), op.value);
      if (op.offset) at = core::write_int(put(at, kOffset), *op.offset);
      break;
    case OpF::kPoll:
      if (op.type == OpType::kOk) at = write_polled(at, op.polled);
      break;
    case OpF::kAssign:
      at = put(at, kKeys);
      for (size_t k = 0; k < op.keys.size(); ++k) {
        if (k > 0) *at++ = ',';
        at = core::write_string(at, op.keys[k]);
      }
      *at++ = ']';
      if (op.seek_to_beginning) at = put(at, kSeekToBeginning);
      if (op.committed) {
        at = put(at, kCommitted);
        for (size_t k = 0; k < op.committed->size(); ++k) {
          if (k > 0) *at++ = ',';
          at = core::write_string(at, (*op.committed)[k].first);
          *at++ = ':';
          at = core::write_int(at, (*op.committed)[k].second);
        }
        *at++ = '}';
      }
      break;
    case OpF::kCrash:
      break;
    case OpF::kNemesis:
      at = core::write_string(put(at, kNemesis), op.nemesis);
      break;
  }
  at = detail::write_optional_string(at, kError, op.error);
  at = detail::write_optional_string(at, kNode, op.node);
  at = detail::write_optional_string(at, kClient, op.client);
  return put(at, detail::kLineClose);
}

}  // namespace

void append_op_line(const Op& op, std::string& out) {
  detail::append_line(op, out, op_line_bytes_max, write_op_line);
}

core::Result<Op, std::string> parse_op_line(std::string_view line) {
  FastParser parser;
  Op op;
  if (parser.parse(line, op)) return op;
  return parse_op_line_dom(line);
}

// How many ops the rest of a stream can hold, where it can seek back (a file,
// a string): its lines are counted ahead so that the history is allocated
// once, as growing a vector of millions of ops moves them all again. 0 where
// it cannot tell; nullopt where it could not seek back to where it was.
std::optional<size_t> ops_ahead(std::istream& in, std::string& buffer) {
  // No op line is shorter than this: a bound where lines are mostly blank.
  constexpr size_t kShortestOpLine = 50;
  std::streambuf* const source = in.rdbuf();
  if (!in.good() || source == nullptr) return 0;
  const std::streampos start = source->pubseekoff(0, std::ios::cur, std::ios::in);
  if (start == std::streampos(std::streamoff(-1))) return 0;
  size_t lines = 1;
  size_t bytes = 0;
  while (true) {
    const std::streamsize got =
        source->sgetn(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (got <= 0) break;
    bytes += static_cast<size_t>(got);
    lines += static_cast<size_t>(std::count(buffer.data(), buffer.data() + got, '\n'));
  }
  if (source->pubseekpos(start, std::ios::in) != start) return std::nullopt;
  return std::min(lines, bytes / kShortestOpLine + 1);
}

core::Result<History, std::string> read_history(std::istream& in) {
  // The stream is read in big chunks and split into lines in place, as
  // std::getline would split it: on '\n', the last line with or without one.
  constexpr size_t kChunk = size_t{1} << 20;
  History history;
  FastParser parser;
  std::string buffer(kChunk, '\0');
  const std::optional<size_t> ops = ops_ahead(in, buffer);
  if (!ops) return core::Err{std::string("cannot seek back in the history's stream")};
  history.reserve(*ops);
  size_t begin = 0;  // the unread part of buffer is [begin, end)
  size_t end = 0;
  bool at_eof = false;
  int64_t line_number = 0;
  while (true) {
    std::string_view line;
    const void* newline = std::memchr(buffer.data() + begin, '\n', end - begin);
    if (newline != nullptr) {
      const size_t stop = static_cast<size_t>(static_cast<const char*>(newline) - buffer.data());
      line = std::string_view(buffer.data() + begin, stop - begin);
      begin = stop + 1;
    } else if (!at_eof) {
      std::memmove(buffer.data(), buffer.data() + begin, end - begin);
      end -= begin;
      begin = 0;
      if (buffer.size() - end < kChunk / 2) {
        buffer.resize(std::max(2 * buffer.size(), end + kChunk));
      }
      in.read(buffer.data() + end, static_cast<std::streamsize>(buffer.size() - end));
      end += static_cast<size_t>(in.gcount());
      at_eof = !in;
      continue;
    } else if (begin < end) {
      line = std::string_view(buffer.data() + begin, end - begin);
      begin = end;
    } else {
      break;
    }
    ++line_number;
    if (line.empty() ||
        (line.front() != '{' && line.find_first_not_of(" \t\r") == std::string_view::npos)) {
      continue;
    }
    Op& op = history.emplace_back();
    if (!parser.parse(line, op)) {
      auto parsed = parse_op_line_dom(line);
      if (!parsed) return core::Err{"line " + std::to_string(line_number) + ": " + parsed.error()};
      op = std::move(parsed).value();
    }
    if (op.index != static_cast<int64_t>(history.size()) - 1) {
      return core::Err{"line " + std::to_string(line_number) + ": index " +
                       std::to_string(op.index) + " where " + std::to_string(history.size() - 1) +
                       " was expected"};
    }
  }
  return history;
}

template <>
struct detail::LineFormat<Op> {
  static size_t bytes_max(const Op& op) { return op_line_bytes_max(op); }
  static char* write(const Op& op, char* at) { return write_op_line(op, at); }
};
template class HistoryLineWriter<Op>;

void write_history(const History& history, std::ostream& out) {
  HistoryWriter writer(out);
  for (const Op& op : history) writer.add(op);
  writer.flush();
}

}  // namespace eddy::checker
