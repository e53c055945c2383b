#include "core/raft/raft_codec.h"

#include <array>
#include <limits>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/json_codec.h"
#include "core/json_writer.h"

namespace eddy::core::raft {
namespace {

using nlohmann::json;

struct FieldError {
  std::string text;
};

[[noreturn]] void fail(std::string text) { throw FieldError{std::move(text)}; }

constexpr std::array<std::pair<MessageKind, std::string_view>, 7> kKinds{{
    {MessageKind::kPreVote, "pre_vote"},
    {MessageKind::kPreVoteReply, "pre_vote_reply"},
    {MessageKind::kVote, "vote"},
    {MessageKind::kVoteReply, "vote_reply"},
    {MessageKind::kAppend, "append"},
    {MessageKind::kAppendReply, "append_reply"},
    {MessageKind::kSnapshot, "snapshot"},
}};

std::string_view wire_name(MessageKind kind) {
  for (const auto& [k, name] : kKinds) {
    if (k == kind) return name;
  }
  return "?";
}

// A non-negative integer field, 0 when absent.
int64_t count_of(const json& body, std::string_view name) {
  const auto it = body.find(name);
  if (it == body.end()) return 0;
  if (!it->is_number_integer() ||
      (it->is_number_unsigned() &&
       it->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) ||
      it->get<int64_t>() < 0) {
    fail("field '" + std::string(name) + "' must be a non-negative integer, got " +
         std::string(json_kind(*it)));
  }
  return it->get<int64_t>();
}

Entry entry_of(const json& item) {
  if (!item.is_array() || item.size() != 2 || !item[0].is_number_integer()) {
    fail("an entry must be [term, command]");
  }
  const int64_t term = item[0].get<int64_t>();
  if (term < 0) fail("an entry's term must be non-negative");
  return Entry{term, Value::from_json(item[1])};
}

void append_field(std::string& out, std::string_view name, int64_t value) {
  if (value == 0) return;
  out.append(",\"");
  out.append(name);
  out.append("\":");
  append_int(out, value);
}

}  // namespace

Result<Message, std::string> decode_raft_message(const json& body, const Limits& limits) {
  try {
    Message m;
    const auto kind = body.find("kind");
    if (kind == body.end() || !kind->is_string()) fail("field 'kind' must be a string");
    bool known = false;
    for (const auto& [k, name] : kKinds) {
      if (name == kind->get_ref<const std::string&>()) {
        m.kind = k;
        known = true;
      }
    }
    if (!known) fail("unknown raft message kind '" + kind->get<std::string>() + "'");
    m.term = count_of(body, "term");
    m.index = count_of(body, "index");
    m.log_term = count_of(body, "log_term");
    m.commit = count_of(body, "commit");
    m.hint_index = count_of(body, "hint_index");
    m.hint_term = count_of(body, "hint_term");
    m.read_round = count_of(body, "round");
    if (const auto reject = body.find("reject"); reject != body.end()) {
      if (!reject->is_boolean()) fail("field 'reject' must be a boolean");
      m.reject = reject->get<bool>();
    }
    if (const auto entries = body.find("entries"); entries != body.end()) {
      if (!entries->is_array()) fail("field 'entries' must be an array");
      if (entries->size() > static_cast<size_t>(limits.request_keys_max)) {
        fail("too many entries in one append");
      }
      m.entries.reserve(entries->size());
      for (const json& item : *entries) m.entries.push_back(entry_of(item));
    }
    if (const auto snapshot = body.find("snapshot"); snapshot != body.end()) {
      if (!snapshot->is_array() || snapshot->size() != 3 || !(*snapshot)[0].is_number_integer() ||
          !(*snapshot)[1].is_number_integer()) {
        fail("field 'snapshot' must be [index, term, data]");
      }
      m.snapshot = SnapshotData{(*snapshot)[0].get<int64_t>(), (*snapshot)[1].get<int64_t>(),
                                Value::from_json((*snapshot)[2])};
    }
    if (m.kind == MessageKind::kSnapshot && !m.snapshot)
      fail("a snapshot message needs 'snapshot'");
    return m;
  } catch (const FieldError& error) {
    return Err{error.text};
  }
}

void append_raft_message_fields(std::string& out, const Message& m) {
  out.append(",\"kind\":\"");
  out.append(wire_name(m.kind));
  out.push_back('"');
  append_field(out, "term", m.term);
  append_field(out, "index", m.index);
  append_field(out, "log_term", m.log_term);
  append_field(out, "commit", m.commit);
  if (m.reject) out.append(",\"reject\":true");
  append_field(out, "hint_index", m.hint_index);
  append_field(out, "hint_term", m.hint_term);
  append_field(out, "round", m.read_round);
  if (!m.entries.empty()) {
    out.append(",\"entries\":[");
    for (size_t i = 0; i < m.entries.size(); ++i) {
      if (i > 0) out.push_back(',');
      out.push_back('[');
      append_int(out, m.entries[i].term);
      out.push_back(',');
      m.entries[i].command.append_json(out);
      out.push_back(']');
    }
    out.push_back(']');
  }
  if (m.snapshot) {
    out.append(",\"snapshot\":[");
    append_int(out, m.snapshot->index);
    out.push_back(',');
    append_int(out, m.snapshot->term);
    out.push_back(',');
    m.snapshot->data.append_json(out);
    out.push_back(']');
  }
}

}  // namespace eddy::core::raft
