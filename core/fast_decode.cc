#include "core/fast_decode.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include <simdjson.h>

namespace eddy::core {
namespace {

namespace od = simdjson::ondemand;

// The parser keeps its buffers between lines. simdjson reads up to
// SIMDJSON_PADDING bytes past the end of its input, so each line is copied
// into a padded buffer first (a line of the benchmark is about 90 bytes),
// inside brackets: `[line]`. simdjson 3.0's On-Demand API does not look past
// the value it is asked for, so the array, which must hold exactly one
// element, is how it checks that nothing follows the object.
struct Scratch {
  od::parser parser;
  std::string padded;
};

Scratch& scratch() {
  thread_local Scratch instance;
  return instance;
}

// No escapes and no control characters, so that the DOM path and simdjson
// agree on every string's bytes and on which lines are valid. Eight bytes at
// a time: a byte below 0x20, or equal to '\\' (zero after the xor), sets its
// top bit in the classic "has a byte less than n" test, exact for n <= 128.
bool plain(std::string_view line) {
  constexpr uint64_t kOnes = 0x0101010101010101u;
  constexpr uint64_t kHigh = 0x8080808080808080u;
  uint64_t flagged = 0;
  size_t i = 0;
  for (; i + 8 <= line.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, line.data() + i, 8);
    const uint64_t backslash = word ^ (kOnes * '\\');
    flagged |= ((word - kOnes * 0x20) & ~word) | ((backslash - kOnes) & ~backslash);
  }
  if ((flagged & kHigh) != 0) return false;
  for (; i < line.size(); ++i) {
    if (static_cast<unsigned char>(line[i]) < 0x20 || line[i] == '\\') return false;
  }
  return true;
}

// Whether the line's "type" is one of the four requests the fast path takes:
// a look at the text before any parsing, so that every other line (gossip,
// Raft, the services' replies, process mode's traffic) goes to the DOM path
// at once instead of after a failed parse. A guess, never a verdict: a line
// it lets through is still parsed and checked in full, and one it stops
// (say, a poll of a key named "type" listed before the body's type) only
// takes the slower path.
bool names_a_hot_type(std::string_view line) {
  static constexpr std::string_view kType = "\"type\"";
  for (size_t at = line.find(kType); at != std::string_view::npos; at = line.find(kType, at + 1)) {
    size_t i = line.find_first_not_of(' ', at + kType.size());
    if (i == std::string_view::npos || line[i] != ':') continue;  // a value "type", not a field
    i = line.find_first_not_of(' ', i + 1);
    if (i == std::string_view::npos) return false;
    const std::string_view value = line.substr(i);
    return value.starts_with("\"send\"") || value.starts_with("\"poll\"") ||
           value.starts_with("\"commit_offsets\"") ||
           value.starts_with("\"list_committed_offsets\"");
  }
  return false;
}

// A string token's text, read in place: plain() ruled out escapes, so the raw
// text is the string, and it ends at the next '"'. The padded buffer ends in
// NULs and the line holds none, so strchr stops inside the buffer.
bool text_of(const char* raw, std::string_view& out) {
  const char* end = std::strchr(raw, '"');
  if (end == nullptr) return false;
  out = std::string_view(raw, static_cast<size_t>(end - raw));
  return true;
}

bool read_string(od::value value, std::string_view& out) {
  od::raw_json_string raw;
  return value.get_raw_json_string().get(raw) == simdjson::SUCCESS && text_of(raw.raw(), out);
}

bool field_name(od::field& field, std::string_view& out) { return text_of(field.key().raw(), out); }

bool read_int(od::value value, int64_t& out) {
  return value.get_int64().get(out) == simdjson::SUCCESS;
}

bool read_key(od::value value, const Limits& limits, std::string_view& out) {
  return read_string(value, out) && static_cast<int64_t>(out.size()) <= limits.key_bytes_max;
}

// Calls on_field(name, value) for each field of the object `value`, in the
// line's order. False when `value` is not an object, a field cannot be read,
// or on_field returns false.
template <class OnField>
bool for_each_field(od::value value, OnField&& on_field) {
  od::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS) return false;
  for (auto entry : object) {
    od::field field;
    if (std::move(entry).get(field) != simdjson::SUCCESS) return false;
    std::string_view name;
    if (!field_name(field, name) || !on_field(name, field.value())) return false;
  }
  return true;
}

// {"k1": 3, "k2": 0}: sorted by key as nlohmann's std::map would hold it; a
// duplicate key (the DOM keeps the last) declines.
bool read_key_offsets(od::value value, const Limits& limits, KeyOffsets& out) {
  const bool read = for_each_field(value, [&](std::string_view key, od::value offset_value) {
    if (static_cast<int64_t>(key.size()) > limits.key_bytes_max) return false;
    if (static_cast<int64_t>(out.size()) >= limits.request_keys_max) return false;
    int64_t offset = 0;
    if (!read_int(offset_value, offset) || offset < 0) return false;
    out.emplace_back(std::string(key), offset);
    return true;
  });
  if (!read) return false;
  const auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
  if (!std::is_sorted(out.begin(), out.end(), by_key)) std::sort(out.begin(), out.end(), by_key);
  return std::adjacent_find(out.begin(), out.end(), [](const auto& a, const auto& b) {
           return a.first == b.first;
         }) == out.end();
}

bool read_keys(od::value value, const Limits& limits, std::vector<std::string>& out) {
  od::array array;
  if (value.get_array().get(array) != simdjson::SUCCESS) return false;
  for (auto element : array) {
    od::value key;
    if (std::move(element).get(key) != simdjson::SUCCESS) return false;
    if (static_cast<int64_t>(out.size()) >= limits.request_keys_max) return false;
    std::string_view text;
    if (!read_key(key, limits, text)) return false;
    out.emplace_back(text);
  }
  return true;
}

// The body fields the fast path knows, one bit each, to refuse duplicates.
enum Seen : uint32_t {
  kType = 1u << 0,
  kMsgId = 1u << 1,
  kInReplyTo = 1u << 2,
  kKey = 1u << 3,
  kMsg = 1u << 4,
  kOffsets = 1u << 5,
  kKeys = 1u << 6,
  kOrigin = 1u << 7,
  kOriginMsgId = 1u << 8,
};

// Everything a hot request's body may hold, read in whatever order it comes.
// Strings are views into the parser's buffer, copied once into the Message.
struct BodyFields {
  uint32_t seen = 0;
  std::string_view type;
  int64_t msg_id = 0;
  int64_t in_reply_to = 0;
  std::string_view key;
  int64_t msg = 0;
  KeyOffsets offsets;
  std::vector<std::string> keys;
  std::string_view origin;
  int64_t origin_msg_id = 0;
};

bool read_body_field(std::string_view name, od::value value, const Limits& limits,
                     BodyFields& body) {
  const auto once = [&](Seen bit) {
    if ((body.seen & bit) != 0) return false;
    body.seen |= bit;
    return true;
  };
  if (name == "type") return once(kType) && read_string(value, body.type);
  if (name == "msg_id") return once(kMsgId) && read_int(value, body.msg_id);
  if (name == "key") return once(kKey) && read_key(value, limits, body.key);
  // Only integer messages: anything else is stored as its compact text, which
  // the DOM path writes.
  if (name == "msg") return once(kMsg) && read_int(value, body.msg);
  if (name == "offsets") return once(kOffsets) && read_key_offsets(value, limits, body.offsets);
  if (name == "keys") return once(kKeys) && read_keys(value, limits, body.keys);
  if (name == "in_reply_to") return once(kInReplyTo) && read_int(value, body.in_reply_to);
  if (name == "origin") return once(kOrigin) && read_string(value, body.origin);
  if (name == "origin_msg_id") return once(kOriginMsgId) && read_int(value, body.origin_msg_id);
  return false;
}

bool read_body(od::value value, const Limits& limits, BodyFields& body) {
  return for_each_field(value, [&](std::string_view name, od::value field_value) {
    return read_body_field(name, field_value, limits, body);
  });
}

bool has(const BodyFields& body, uint32_t bits) { return (body.seen & bits) == bits; }

// The typed body, when `type` is a hot request with what the DOM path would
// require of it. An origin without its origin_msg_id is an error there.
std::optional<Body> typed_body(BodyFields& body) {
  if (has(body, kOrigin) && !has(body, kOriginMsgId)) return std::nullopt;
  const std::string_view type = body.type;
  if (type == "send" && has(body, kKey | kMsg)) {
    SendBody send{std::string(body.key), Value(body.msg)};
    if (has(body, kOrigin)) {
      send.origin = body.origin;
      send.origin_msg_id = body.origin_msg_id;
    }
    return send;
  }
  if (type == "poll" && has(body, kOffsets)) return PollBody{std::move(body.offsets)};
  if (type == "commit_offsets" && has(body, kOffsets)) {
    CommitOffsetsBody commit{std::move(body.offsets)};
    if (has(body, kOrigin)) {
      commit.origin = body.origin;
      commit.origin_msg_id = body.origin_msg_id;
    }
    return commit;
  }
  if (type == "list_committed_offsets" && has(body, kKeys)) {
    return ListCommittedOffsetsBody{std::move(body.keys)};
  }
  return std::nullopt;
}

// {"id": 4, "src": "c1", "dest": "n0", "body": {...}}; `id` is Maelstrom's own
// message number, which the DOM path ignores.
bool read_envelope(od::value value, const Limits& limits, Message& message, BodyFields& body) {
  bool src = false;
  bool dest = false;
  bool has_body = false;
  bool id = false;
  const bool read = for_each_field(value, [&](std::string_view name, od::value field_value) {
    std::string_view text;
    if (name == "src" && !src) {
      if (!read_string(field_value, text)) return false;
      message.src.assign(text);
      return src = true;
    }
    if (name == "dest" && !dest) {
      if (!read_string(field_value, text)) return false;
      message.dest.assign(text);
      return dest = true;
    }
    if (name == "body" && !has_body) return has_body = read_body(field_value, limits, body);
    if (name == "id" && !id) {
      int64_t ignored = 0;
      return id = read_int(field_value, ignored);
    }
    return false;
  });
  if (!read) return false;
  return src && dest && has_body && has(body, kType);
}

}  // namespace

std::optional<Message> fast_decode(std::string_view line, const Limits& limits) {
  // The envelope's body and a body's offsets sit at depth 3.
  if (static_cast<int64_t>(line.size()) > limits.line_bytes_max || limits.json_depth_max < 3 ||
      !names_a_hot_type(line) || !plain(line)) {
    return std::nullopt;
  }
  Scratch& state = scratch();
  const size_t length = line.size() + 2;
  state.padded.resize(length + simdjson::SIMDJSON_PADDING);
  state.padded[0] = '[';
  std::memcpy(state.padded.data() + 1, line.data(), line.size());
  state.padded[length - 1] = ']';
  std::memset(state.padded.data() + length, 0, simdjson::SIMDJSON_PADDING);  // for text_of
  od::document document;
  od::array wrapper;
  if (state.parser.iterate(state.padded.data(), length, state.padded.size()).get(document) !=
          simdjson::SUCCESS ||
      document.get_array().get(wrapper) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  Message message;
  BodyFields body;
  int elements = 0;
  for (auto element : wrapper) {
    od::value value;
    if (std::move(element).get(value) != simdjson::SUCCESS || ++elements > 1 ||
        !read_envelope(value, limits, message, body)) {
      return std::nullopt;
    }
  }
  if (elements != 1) return std::nullopt;
  std::optional<Body> typed = typed_body(body);
  if (!typed) return std::nullopt;
  if (has(body, kMsgId)) message.msg_id = body.msg_id;
  if (has(body, kInReplyTo)) message.in_reply_to = body.in_reply_to;
  message.body = std::move(*typed);
  return message;
}

}  // namespace eddy::core
