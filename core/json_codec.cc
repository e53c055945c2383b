#include "core/json_codec.h"

#include <cstring>
#include <limits>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/envelope_probe.h"
#include "core/fast_decode.h"
#include "core/json_writer.h"
#include "core/overloaded.h"
#include "core/partition_test_codec.h"
#include "core/raft/raft_codec.h"
#include "core/verify_codec.h"

namespace eddy::core {
namespace {

using nlohmann::json;

// Thrown by the field readers below and caught in decode_line: a decoding
// failure unwinds through a few frames, and only on bad input.
struct FieldError {
  std::string text;
};

[[noreturn]] void fail(std::string text) { throw FieldError{std::move(text)}; }

const json& field(const json& object, std::string_view name) {
  const auto it = object.find(name);
  if (it == object.end()) fail("missing field '" + std::string(name) + "'");
  return *it;
}

std::optional<int64_t> as_int64(const json& value) {
  if (value.is_number_unsigned()) {
    const auto u = value.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (value.is_number_integer()) return value.get<int64_t>();
  return std::nullopt;
}

int64_t int_field(const json& object, std::string_view name) {
  const json& value = field(object, name);
  const auto integer = as_int64(value);
  if (!integer) {
    fail("field '" + std::string(name) + "' must be an integer, got " +
         std::string(json_kind(value)));
  }
  return *integer;
}

// A non-negative integer offset, or nullopt. Callers build the error text only
// on failure: polls name many keys and this is the hot path.
std::optional<int64_t> offset_value(const json& value) {
  const auto integer = as_int64(value);
  if (!integer || *integer < 0) return std::nullopt;
  return integer;
}

std::string describe(const json& value) {
  const auto integer = as_int64(value);
  return integer ? std::to_string(*integer) : std::string(json_kind(value));
}

int64_t offset_or_fail(const json& value, std::string_view where) {
  const auto offset = offset_value(value);
  if (!offset) {
    fail(std::string(where) + " must be a non-negative integer offset, got " + describe(value));
  }
  return *offset;
}

const std::string& checked_key(const std::string& key, const Limits& limits,
                               std::string_view where) {
  if (static_cast<int64_t>(key.size()) > limits.key_bytes_max) {
    fail(std::string(where) + " is " + std::to_string(key.size()) + " bytes; key_bytes_max is " +
         std::to_string(limits.key_bytes_max));
  }
  return key;
}

const std::string& key_value(const json& value, const Limits& limits, std::string_view where) {
  if (!value.is_string()) {
    fail(std::string(where) + " must be a string key, got " + std::string(json_kind(value)));
  }
  return checked_key(value.get_ref<const std::string&>(), limits, where);
}

std::string string_field(const json& object, std::string_view name) {
  const json& value = field(object, name);
  if (!value.is_string()) {
    fail("field '" + std::string(name) + "' must be a string, got " +
         std::string(json_kind(value)));
  }
  return value.get<std::string>();
}

void check_key_count(size_t count, const Limits& limits, std::string_view name) {
  if (static_cast<int64_t>(count) > limits.request_keys_max) {
    fail("field '" + std::string(name) + "' names " + std::to_string(count) +
         " keys; request_keys_max is " + std::to_string(limits.request_keys_max));
  }
}

KeyOffsets key_offsets_field(const json& body, std::string_view name, const Limits& limits) {
  const json& object = field(body, name);
  if (!object.is_object()) {
    fail("field '" + std::string(name) + "' must be an object of key -> offset, got " +
         std::string(json_kind(object)));
  }
  check_key_count(object.size(), limits, name);
  KeyOffsets offsets;
  offsets.reserve(object.size());
  for (const auto& [key, offset] : object.items()) {
    // nlohmann's object is a std::map: keys arrive sorted and unique.
    const auto value = offset_value(offset);
    if (!value) {
      fail("the offset of key '" + key + "' must be a non-negative integer, got " +
           describe(offset));
    }
    offsets.emplace_back(checked_key(key, limits, "a key"), *value);
  }
  return offsets;
}

enum class BodyKind {
  kUnknown,
  kSend,
  kPoll,
  kCommitOffsets,
  kListCommittedOffsets,
  kInit,
  kError,
  kSendOk,
  kPollOk,
  kCommitOffsetsOk,
  kListCommittedOffsetsOk,
  kInitOk,
  kRead,
  kReadOk,
  kWrite,
  kWriteOk,
  kCas,
  kCasOk,
  kTs,
  kTsOk,
  kGossip,
  kVerifyLinearizability,
  kPartitionTest,
  kRaft,
};

// One hash lookup instead of a chain of string compares: decoding is eddy-node's
// hot path.
BodyKind body_kind(std::string_view type) {
  static const std::unordered_map<std::string_view, BodyKind> kKinds{
      {"send", BodyKind::kSend},
      {"poll", BodyKind::kPoll},
      {"commit_offsets", BodyKind::kCommitOffsets},
      {"list_committed_offsets", BodyKind::kListCommittedOffsets},
      {"init", BodyKind::kInit},
      {"error", BodyKind::kError},
      {"send_ok", BodyKind::kSendOk},
      {"poll_ok", BodyKind::kPollOk},
      {"commit_offsets_ok", BodyKind::kCommitOffsetsOk},
      {"list_committed_offsets_ok", BodyKind::kListCommittedOffsetsOk},
      {"init_ok", BodyKind::kInitOk},
      {"read", BodyKind::kRead},
      {"read_ok", BodyKind::kReadOk},
      {"write", BodyKind::kWrite},
      {"write_ok", BodyKind::kWriteOk},
      {"cas", BodyKind::kCas},
      {"cas_ok", BodyKind::kCasOk},
      {"ts", BodyKind::kTs},
      {"ts_ok", BodyKind::kTsOk},
      {"gossip", BodyKind::kGossip},
      {"verify_linearizability", BodyKind::kVerifyLinearizability},
      {"partition_test", BodyKind::kPartitionTest},
      {"raft", BodyKind::kRaft},
  };
  const auto it = kKinds.find(type);
  return it == kKinds.end() ? BodyKind::kUnknown : it->second;
}

// {"first": 5, "ack": 3, "items": [["e", key, offset, msg], ["w", key, next], ["c", key, offset]]}
GossipBody decode_gossip(const json& body, const Limits& limits) {
  GossipBody gossip{int_field(body, "first"), int_field(body, "ack"), {}};
  const json& items = field(body, "items");
  if (!items.is_array())
    fail("field 'items' must be an array, got " + std::string(json_kind(items)));
  gossip.items.reserve(items.size());
  for (const json& item : items) {
    if (!item.is_array() || item.size() < 3 || !item[0].is_string()) {
      fail("a gossip item must be [kind, key, offset, ...]");
    }
    GossipItem decoded;
    const auto& kind = item[0].get_ref<const std::string&>();
    if (kind == "e" && item.size() == 4) {
      decoded.kind = GossipItem::Kind::kEntry;
      decoded.msg = Value::from_json(item[3]);
    } else if (kind == "w" && item.size() == 3) {
      decoded.kind = GossipItem::Kind::kWatermark;
    } else if (kind == "c" && item.size() == 3) {
      decoded.kind = GossipItem::Kind::kCommit;
    } else {
      fail("unknown gossip item kind '" + kind + "'");
    }
    decoded.key = key_value(item[1], limits, "a gossip item's key");
    const auto offset = as_int64(item[2]);
    if (!offset) fail("a gossip item's offset must be an integer");
    decoded.offset = *offset;
    gossip.items.push_back(Rc<GossipItem>::make(std::move(decoded)));
  }
  return gossip;
}

// The optional origin of a forwarded write, cas, send or commit_offsets
// (core/message.h).
void read_origin(const json& body, std::string& origin, int64_t& origin_msg_id) {
  const auto it = body.find("origin");
  if (it == body.end()) return;
  if (!it->is_string()) fail("field 'origin' must be a string");
  origin = it->get<std::string>();
  origin_msg_id = int_field(body, "origin_msg_id");
}

void append_origin(std::string& out, const std::string& origin, int64_t origin_msg_id) {
  if (origin.empty()) return;
  out.append(",\"origin\":");
  append_string(out, origin);
  out.append(",\"origin_msg_id\":");
  append_int(out, origin_msg_id);
}

Body decode_body(std::string_view type, const json& body, const Limits& limits) {
  switch (body_kind(type)) {
    case BodyKind::kSend: {
      SendBody send{key_value(field(body, "key"), limits, "field 'key'"),
                    Value::from_json(field(body, "msg"))};
      read_origin(body, send.origin, send.origin_msg_id);
      return send;
    }
    case BodyKind::kPoll:
      return PollBody{key_offsets_field(body, "offsets", limits)};
    case BodyKind::kCommitOffsets: {
      CommitOffsetsBody commit{key_offsets_field(body, "offsets", limits)};
      read_origin(body, commit.origin, commit.origin_msg_id);
      return commit;
    }
    case BodyKind::kListCommittedOffsets: {
      const json& keys = field(body, "keys");
      if (!keys.is_array())
        fail("field 'keys' must be an array, got " + std::string(json_kind(keys)));
      check_key_count(keys.size(), limits, "keys");
      ListCommittedOffsetsBody list;
      list.keys.reserve(keys.size());
      for (const json& key : keys)
        list.keys.push_back(key_value(key, limits, "an entry of 'keys'"));
      return list;
    }
    case BodyKind::kInit: {
      InitBody init{string_field(body, "node_id"), {}};
      if (init.node_id.empty()) fail("field 'node_id' must not be empty");
      const json& ids = field(body, "node_ids");
      if (!ids.is_array())
        fail("field 'node_ids' must be an array, got " + std::string(json_kind(ids)));
      bool includes_self = false;
      for (const json& id : ids) {
        if (!id.is_string())
          fail("field 'node_ids' must hold strings, got " + std::string(json_kind(id)));
        init.node_ids.push_back(id.get<std::string>());
        includes_self = includes_self || init.node_ids.back() == init.node_id;
      }
      if (!includes_self) fail("field 'node_ids' does not include node_id '" + init.node_id + "'");
      return init;
    }
    case BodyKind::kError: {
      ErrorBody error;
      const int64_t code = int_field(body, "code");
      if (code < std::numeric_limits<int32_t>::min() ||
          code > std::numeric_limits<int32_t>::max()) {
        fail("field 'code' is out of range");
      }
      error.code = static_cast<int32_t>(code);
      if (const auto it = body.find("text"); it != body.end() && it->is_string()) error.text = *it;
      return error;
    }
    case BodyKind::kSendOk:
      return SendOkBody{int_field(body, "offset")};
    case BodyKind::kPollOk: {
      const json& msgs = field(body, "msgs");
      if (!msgs.is_object())
        fail("field 'msgs' must be an object, got " + std::string(json_kind(msgs)));
      PollOkBody poll_ok;
      for (const auto& [key, records] : msgs.items()) {
        if (!records.is_array()) fail("the records of key '" + key + "' must be an array");
        std::vector<Record> decoded;
        for (const json& record : records) {
          if (!record.is_array() || record.size() != 2) {
            fail("a record of key '" + key + "' must be an [offset, msg] pair");
          }
          decoded.push_back(
              Record{offset_or_fail(record[0], "a record offset"), Value::from_json(record[1])});
        }
        poll_ok.msgs.emplace_back(key, std::move(decoded));
      }
      return poll_ok;
    }
    case BodyKind::kCommitOffsetsOk:
      return CommitOffsetsOkBody{};
    case BodyKind::kListCommittedOffsetsOk: {
      ListCommittedOffsetsOkBody list_ok;
      list_ok.offsets = key_offsets_field(body, "offsets", limits);
      return list_ok;
    }
    case BodyKind::kInitOk:
      return InitOkBody{};
    case BodyKind::kRead:
      return KvReadBody{Value::from_json(field(body, "key"))};
    case BodyKind::kReadOk:
      return KvReadOkBody{Value::from_json(field(body, "value"))};
    case BodyKind::kWrite: {
      KvWriteBody write{Value::from_json(field(body, "key")),
                        Value::from_json(field(body, "value"))};
      read_origin(body, write.origin, write.origin_msg_id);
      return write;
    }
    case BodyKind::kWriteOk:
      return KvWriteOkBody{};
    case BodyKind::kCas: {
      KvCasBody cas{Value::from_json(field(body, "key")), Value::from_json(field(body, "from")),
                    Value::from_json(field(body, "to")), false};
      if (const auto it = body.find("create_if_not_exists"); it != body.end()) {
        if (!it->is_boolean()) fail("field 'create_if_not_exists' must be a boolean");
        cas.create_if_not_exists = it->get<bool>();
      }
      read_origin(body, cas.origin, cas.origin_msg_id);
      return cas;
    }
    case BodyKind::kCasOk:
      return KvCasOkBody{};
    case BodyKind::kTs:
      return TsBody{};
    case BodyKind::kTsOk:
      return TsOkBody{int_field(body, "ts")};
    case BodyKind::kGossip:
      return decode_gossip(body, limits);
    case BodyKind::kRaft: {
      auto raft = raft::decode_raft_message(body, limits);
      if (!raft) fail(raft.error());
      return RaftBody{std::move(raft).value()};
    }
    case BodyKind::kVerifyLinearizability: {
      auto verify = decode_verify_linearizability(body, limits);
      if (!verify) fail(verify.error());
      return std::move(verify).value();
    }
    case BodyKind::kPartitionTest: {
      auto partition_test = decode_partition_test(body);
      if (!partition_test) fail(partition_test.error());
      return std::move(partition_test).value();
    }
    case BodyKind::kUnknown:
      break;
  }
  return UnknownBody{std::string(type)};
}

DecodeError probed_error(std::string_view line, std::string text) {
  Envelope envelope = probe_envelope(line);
  return DecodeError{ErrorCode::kMalformedRequest, std::move(text), std::move(envelope.src),
                     std::move(envelope.dest), envelope.msg_id};
}

std::optional<int64_t> optional_int(const json& body, std::string_view name) {
  const auto it = body.find(name);
  if (it == body.end()) return std::nullopt;
  const auto integer = as_int64(*it);
  if (!integer) {
    fail("field '" + std::string(name) + "' must be an integer, got " +
         std::string(json_kind(*it)));
  }
  return integer;
}

}  // namespace

std::optional<int64_t> json_int64(const json& value) { return as_int64(value); }

std::string_view json_kind(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::string:
      return "a string";
    case json::value_t::number_float:
      return "a fractional number";
    case json::value_t::number_integer:
      return "an integer";
    case json::value_t::number_unsigned:
      // Only reached for integers that int64 cannot hold.
      return value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
                 ? "an integer beyond int64"
                 : "an integer";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    default:
      return "an unsupported value";
  }
}

int32_t json_depth(std::string_view text, int32_t depth_max) {
  int32_t depth = 0;
  int32_t deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > depth_max) return deepest;
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

DecodeResult decode_line(std::string_view line, const Limits& limits) {
  // The kafka workload's requests, without a DOM. Anything else, and every
  // bad line, takes the DOM path, which the fast path agrees with wherever it
  // answers.
  if (std::optional<Message> fast = fast_decode(line, limits)) return std::move(*fast);
  return decode_line_via_dom(line, limits);
}

DecodeResult decode_line_via_dom(std::string_view line, const Limits& limits) {
  if (static_cast<int64_t>(line.size()) > limits.line_bytes_max) {
    return Err{probed_error(line, "line of " + std::to_string(line.size()) +
                                      " bytes exceeds line_bytes_max " +
                                      std::to_string(limits.line_bytes_max))};
  }
  if (json_depth(line, limits.json_depth_max) > limits.json_depth_max) {
    return Err{probed_error(
        line, "JSON nested deeper than json_depth_max " + std::to_string(limits.json_depth_max))};
  }
  json document = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return Err{probed_error(line, "line is not valid JSON")};
  if (!document.is_object()) {
    return Err{
        DecodeError{ErrorCode::kMalformedRequest,
                    "a message must be a JSON object, got " + std::string(json_kind(document)),
                    {},
                    {},
                    {}}};
  }

  DecodeError error;
  // Read the envelope first, so that a bad body can still be answered.
  if (const auto it = document.find("src"); it != document.end() && it->is_string()) {
    error.src = it->get<std::string>();
  }
  if (const auto it = document.find("dest"); it != document.end() && it->is_string()) {
    error.dest = it->get<std::string>();
  }
  const auto body_it = document.find("body");
  if (body_it != document.end() && body_it->is_object()) {
    if (const auto id = body_it->find("msg_id"); id != body_it->end()) error.msg_id = as_int64(*id);
  }
  try {
    if (!error.src) fail("field 'src' must be a string");
    if (!error.dest) fail("field 'dest' must be a string");
    if (body_it == document.end()) fail("missing field 'body'");
    if (!body_it->is_object()) fail("field 'body' must be an object");
    const json& body = *body_it;
    const json& type = field(body, "type");
    if (!type.is_string())
      fail("field 'type' must be a string, got " + std::string(json_kind(type)));
    Message message;
    message.msg_id = optional_int(body, "msg_id");
    message.in_reply_to = optional_int(body, "in_reply_to");
    message.body = decode_body(type.get_ref<const std::string&>(), body, limits);
    message.src = std::move(*error.src);
    message.dest = std::move(*error.dest);
    return message;
  } catch (const FieldError& failure) {
    error.text = failure.text;
    return Err{std::move(error)};
  }
}

namespace {

void append_key_offsets(std::string& out, const KeyOffsets& offsets) {
  out.push_back('{');
  bool first = true;
  for (const auto& [key, offset] : offsets) {
    if (!first) out.push_back(',');
    first = false;
    append_string(out, key);
    out.push_back(':');
    append_int(out, offset);
  }
  out.push_back('}');
}

// ,"msgs":{"k1":[[0,5],[1,7]],"k2":[[4,"x"]]}, written raw into one resize
// of `out`: eddy-node's most frequent and largest line.
void append_poll_ok_fields(std::string& out, const PollOkBody& poll_ok) {
  static constexpr std::string_view kOpen = ",\"msgs\":{";
  // ',' + "[" + offset + ',' + msg + ']' per record; ',' + key + ":[]" per key.
  size_t bytes_max = kOpen.size() + 1;
  for (const auto& [key, records] : poll_ok.msgs) {
    bytes_max += string_bytes_max(key) + 4 + records.size() * (4 + kIntBytesMax);
    for (const Record& record : records) bytes_max += record.msg.json_bytes_max();
  }
  const size_t start = out.size();
  out.resize(start + bytes_max);
  char* at = out.data() + start;
  std::memcpy(at, kOpen.data(), kOpen.size());
  at += kOpen.size();
  bool first_key = true;
  for (const auto& [key, records] : poll_ok.msgs) {
    if (!first_key) *at++ = ',';
    first_key = false;
    at = write_string(at, key);
    *at++ = ':';
    *at++ = '[';
    bool first_record = true;
    for (const Record& record : records) {
      if (!first_record) *at++ = ',';
      first_record = false;
      *at++ = '[';
      at = write_int(at, record.offset);
      *at++ = ',';
      at = record.msg.write_json(at);
      *at++ = ']';
    }
    *at++ = ']';
  }
  *at++ = '}';
  out.resize(static_cast<size_t>(at - out.data()));
}

void append_body_fields(std::string& out, const Body& body) {
  std::visit(Overloaded{
                 [&](const InitBody& init) {
                   out.append(",\"node_id\":");
                   append_string(out, init.node_id);
                   out.append(",\"node_ids\":[");
                   for (size_t i = 0; i < init.node_ids.size(); ++i) {
                     if (i > 0) out.push_back(',');
                     append_string(out, init.node_ids[i]);
                   }
                   out.push_back(']');
                 },
                 [&](const ErrorBody& error) {
                   out.append(",\"code\":");
                   append_int(out, error.code);
                   out.append(",\"text\":");
                   append_string(out, error.text);
                 },
                 [&](const SendBody& send) {
                   out.append(",\"key\":");
                   append_string(out, send.key);
                   out.append(",\"msg\":");
                   send.msg.append_json(out);
                   append_origin(out, send.origin, send.origin_msg_id);
                 },
                 [&](const SendOkBody& send_ok) {
                   out.append(",\"offset\":");
                   append_int(out, send_ok.offset);
                 },
                 [&](const PollBody& poll) {
                   out.append(",\"offsets\":");
                   append_key_offsets(out, poll.offsets);
                 },
                 [&](const PollOkBody& poll_ok) { append_poll_ok_fields(out, poll_ok); },
                 [&](const CommitOffsetsBody& commit) {
                   out.append(",\"offsets\":");
                   append_key_offsets(out, commit.offsets);
                   append_origin(out, commit.origin, commit.origin_msg_id);
                 },
                 [&](const ListCommittedOffsetsBody& list) {
                   out.append(",\"keys\":[");
                   for (size_t i = 0; i < list.keys.size(); ++i) {
                     if (i > 0) out.push_back(',');
                     append_string(out, list.keys[i]);
                   }
                   out.push_back(']');
                 },
                 [&](const ListCommittedOffsetsOkBody& list_ok) {
                   out.append(",\"offsets\":");
                   append_key_offsets(out, list_ok.offsets);
                 },
                 [&](const KvReadBody& read) {
                   out.append(",\"key\":");
                   read.key.append_json(out);
                 },
                 [&](const KvReadOkBody& read_ok) {
                   out.append(",\"value\":");
                   read_ok.value.append_json(out);
                 },
                 [&](const KvWriteBody& write) {
                   out.append(",\"key\":");
                   write.key.append_json(out);
                   out.append(",\"value\":");
                   write.value.append_json(out);
                   append_origin(out, write.origin, write.origin_msg_id);
                 },
                 [&](const KvCasBody& cas) {
                   out.append(",\"key\":");
                   cas.key.append_json(out);
                   out.append(",\"from\":");
                   cas.from.append_json(out);
                   out.append(",\"to\":");
                   cas.to.append_json(out);
                   if (cas.create_if_not_exists) out.append(",\"create_if_not_exists\":true");
                   append_origin(out, cas.origin, cas.origin_msg_id);
                 },
                 // Bodies with no fields beyond type/msg_id/in_reply_to.
                 [&](const InitOkBody&) {},
                 [&](const CommitOffsetsOkBody&) {},
                 [&](const KvWriteOkBody&) {},
                 [&](const TsOkBody& ts_ok) {
                   out.append(",\"ts\":");
                   append_int(out, ts_ok.ts);
                 },
                 [&](const GossipBody& gossip) {
                   out.append(",\"first\":");
                   append_int(out, gossip.first_seq);
                   out.append(",\"ack\":");
                   append_int(out, gossip.ack);
                   out.append(",\"items\":[");
                   for (size_t i = 0; i < gossip.items.size(); ++i) {
                     const GossipItem& item = *gossip.items[i];
                     if (i > 0) out.push_back(',');
                     static constexpr const char* kKinds[] = {"[\"e\",", "[\"w\",", "[\"c\","};
                     out.append(kKinds[static_cast<int>(item.kind)]);
                     append_string(out, item.key);
                     out.push_back(',');
                     append_int(out, item.offset);
                     if (item.kind == GossipItem::Kind::kEntry) {
                       out.push_back(',');
                       item.msg.append_json(out);
                     }
                     out.push_back(']');
                   }
                   out.push_back(']');
                 },
                 [&](const VerifyLinearizabilityBody& verify) {
                   append_verify_linearizability_fields(out, verify);
                 },
                 [&](const VerifyLinearizabilityOkBody& verify_ok) {
                   append_verify_linearizability_ok_fields(out, verify_ok);
                 },
                 [&](const PartitionTestBody& partition_test) {
                   append_partition_test_fields(out, partition_test);
                 },
                 [&](const PartitionTestOkBody& partition_test_ok) {
                   append_partition_test_ok_fields(out, partition_test_ok);
                 },
                 [&](const RaftBody& raft) { raft::append_raft_message_fields(out, raft.message); },
                 [&](const KvCasOkBody&) {},
                 [&](const TsBody&) {},
                 [&](const UnknownBody&) {},
             },
             body);
}

char* put(char* at, std::string_view text) {
  std::memcpy(at, text.data(), text.size());
  return at + text.size();
}

// {"src":"n0","dest":"c1", written raw into one resize of `out`, as every
// line's start.
void append_envelope_head(std::string& out, const Message& message) {
  static constexpr std::string_view kSrc = "{\"src\":";
  static constexpr std::string_view kDest = ",\"dest\":";
  const size_t start = out.size();
  out.resize(start + kSrc.size() + kDest.size() + string_bytes_max(message.src) +
             string_bytes_max(message.dest));
  char* at = put(out.data() + start, kSrc);
  at = write_string(at, message.src);
  at = put(at, kDest);
  at = write_string(at, message.dest);
  out.resize(static_cast<size_t>(at - out.data()));
}

// ,"body":{"type":"poll_ok","msg_id":4,"in_reply_to":3 (the body left open).
void append_body_head(std::string& out, const Message& message) {
  static constexpr std::string_view kType = ",\"body\":{\"type\":";
  static constexpr std::string_view kMsgId = ",\"msg_id\":";
  static constexpr std::string_view kInReplyTo = ",\"in_reply_to\":";
  const std::string_view type = body_type(message.body);
  const size_t start = out.size();
  out.resize(start + kType.size() + string_bytes_max(type) + kMsgId.size() + kInReplyTo.size() +
             2 * kIntBytesMax);
  char* at = put(out.data() + start, kType);
  at = write_string(at, type);
  if (message.msg_id) at = write_int(put(at, kMsgId), *message.msg_id);
  if (message.in_reply_to) at = write_int(put(at, kInReplyTo), *message.in_reply_to);
  out.resize(static_cast<size_t>(at - out.data()));
}

}  // namespace

void encode_line(const Message& message, std::string& out) {
  append_envelope_head(out, message);
  if (const auto* verbatim = std::get_if<UnknownBody>(&message.body);
      verbatim != nullptr && !verbatim->json.empty()) {
    out.append(",\"body\":");
    out.append(verbatim->json);
    out.append("}\n");
    return;
  }
  append_body_head(out, message);
  append_body_fields(out, message.body);
  out.append("}}\n");
}

std::string encode_line(const Message& message) {
  std::string out;
  encode_line(message, out);
  return out;
}

}  // namespace eddy::core
