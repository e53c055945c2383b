#include "checker/history_io.h"

#include <array>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/json_writer.h"

namespace eddy::checker {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 4> kTypeNames{"invoke", "ok", "fail", "info"};
constexpr std::array<std::string_view, 5> kFNames{"send", "poll", "assign", "crash", "nemesis"};

void append_value(std::string& out, int64_t value) {
  if (value == kNonIntegerValue) {
    out.append("null");
  } else {
    core::append_int(out, value);
  }
}

struct ParseError {
  std::string text;
};

[[noreturn]] void fail(std::string text) { throw ParseError{std::move(text)}; }

int64_t int_of(const json& value, std::string_view what) {
  // nlohmann keeps integers above INT64_MAX as unsigned: get<int64_t> would wrap.
  if (value.is_number_unsigned() &&
      value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    fail(std::string(what) + " is out of range");
  }
  if (value.is_number_integer()) return value.get<int64_t>();
  fail(std::string(what) + " must be an integer");
}

int64_t value_of(const json& value, std::string_view what) {
  if (value.is_null()) return kNonIntegerValue;
  return int_of(value, what);
}

const json& field(const json& object, std::string_view name) {
  const auto it = object.find(name);
  if (it == object.end()) fail("missing field '" + std::string(name) + "'");
  return *it;
}

std::string string_of(const json& value, std::string_view what) {
  if (!value.is_string()) fail(std::string(what) + " must be a string");
  return value.get<std::string>();
}

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

void append_op_line(const Op& op, std::string& out) {
  out.append("{\"index\":");
  core::append_int(out, op.index);
  out.append(",\"time_us\":");
  core::append_int(out, op.time_us);
  out.append(",\"process\":");
  if (op.process == kNemesisProcess) {
    out.append("\"nemesis\"");
  } else {
    core::append_int(out, op.process);
  }
  out.append(",\"type\":\"");
  out.append(to_string(op.type));
  out.append("\",\"f\":\"");
  out.append(to_string(op.f));
  out.push_back('"');
  switch (op.f) {
    case OpF::kSend:
      out.append(",\"key\":");
      core::append_string(out, op.key);
      out.append(",\"value\":");
      append_value(out, op.value);
      if (op.offset) {
        out.append(",\"offset\":");
        core::append_int(out, *op.offset);
      }
      break;
    case OpF::kPoll:
      if (op.type == OpType::kOk) {
        out.append(",\"msgs\":{");
        for (size_t k = 0; k < op.polled.size(); ++k) {
          if (k > 0) out.push_back(',');
          core::append_string(out, op.polled[k].key);
          out.append(":[");
          for (size_t r = 0; r < op.polled[k].records.size(); ++r) {
            out.append(r > 0 ? ",[" : "[");
            core::append_int(out, op.polled[k].records[r].offset);
            out.push_back(',');
            append_value(out, op.polled[k].records[r].value);
            out.push_back(']');
          }
          out.push_back(']');
        }
        out.push_back('}');
      }
      break;
    case OpF::kAssign:
      out.append(",\"keys\":[");
      for (size_t k = 0; k < op.keys.size(); ++k) {
        if (k > 0) out.push_back(',');
        core::append_string(out, op.keys[k]);
      }
      out.push_back(']');
      if (op.seek_to_beginning) out.append(",\"seek_to_beginning\":true");
      if (op.committed) {
        out.append(",\"committed\":{");
        for (size_t k = 0; k < op.committed->size(); ++k) {
          if (k > 0) out.push_back(',');
          core::append_string(out, (*op.committed)[k].first);
          out.push_back(':');
          core::append_int(out, (*op.committed)[k].second);
        }
        out.push_back('}');
      }
      break;
    case OpF::kCrash:
      break;
    case OpF::kNemesis:
      out.append(",\"nemesis\":");
      core::append_string(out, op.nemesis);
      break;
  }
  if (!op.error.empty()) {
    out.append(",\"error\":");
    core::append_string(out, op.error);
  }
  if (!op.node.empty()) {
    out.append(",\"node\":");
    core::append_string(out, op.node);
  }
  if (!op.client.empty()) {
    out.append(",\"client\":");
    core::append_string(out, op.client);
  }
  out.append("}\n");
}

core::Result<Op, std::string> parse_op_line(std::string_view line) {
  const json document = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return core::Err{std::string("not valid JSON")};
  if (!document.is_object()) return core::Err{std::string("not a JSON object")};
  try {
    Op op;
    op.index = int_of(field(document, "index"), "index");
    op.time_us = int_of(field(document, "time_us"), "time_us");
    const json& process = field(document, "process");
    if (process.is_string() && process.get_ref<const std::string&>() == "nemesis") {
      op.process = kNemesisProcess;
    } else {
      op.process = int_of(process, "process");
      if (op.process < 0) fail("process must be >= 0 or \"nemesis\"");
    }
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
  } catch (const ParseError& error) {
    return core::Err{error.text};
  }
}

core::Result<History, std::string> read_history(std::istream& in) {
  History history;
  std::string line;
  int64_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto op = parse_op_line(line);
    if (!op) return core::Err{"line " + std::to_string(line_number) + ": " + op.error()};
    if (op.value().index != static_cast<int64_t>(history.size())) {
      return core::Err{"line " + std::to_string(line_number) + ": index " +
                       std::to_string(op.value().index) + " where " +
                       std::to_string(history.size()) + " was expected"};
    }
    history.push_back(std::move(op).value());
  }
  return history;
}

void write_history(const History& history, std::ostream& out) {
  std::string buffer;
  for (const Op& op : history) {
    append_op_line(op, buffer);
    if (buffer.size() > (1 << 20)) {
      out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      buffer.clear();
    }
  }
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
}

}  // namespace eddy::checker
