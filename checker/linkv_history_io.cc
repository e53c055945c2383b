#include "checker/linkv_history_io.h"

#include <limits>

#include <nlohmann/json.hpp>

#include "checker/json_fields.h"
#include "core/json_codec.h"
#include "core/json_writer.h"

namespace eddy::checker {

namespace {

using detail::fail;
using detail::field;
using detail::int_of;
using detail::string_of;
using nlohmann::json;

// JSON nested deeper than this is refused before nlohmann's recursive parser
// sees it; a key or value of Maelstrom's workload is a small integer.
constexpr int32_t kDepthMax = 64;

std::string optional_string(const json& object, std::string_view name) {
  const auto it = object.find(name);
  return it == object.end() ? std::string() : string_of(*it, name);
}

using detail::put;

// The op's own fields' pieces: those both formats write, and the head's, are
// json_fields.h's.
using detail::kClient;
using detail::kError;
using detail::kKey;
using detail::kNemesis;
using detail::kNode;
using detail::kValue;
constexpr std::string_view kFrom = ",\"from\":";
constexpr std::string_view kTo = ",\"to\":";
constexpr std::string_view kErrorCode = ",\"error_code\":";

// At most this many bytes for what write_linkv_op_line writes: each piece's
// bound, in its order.
size_t linkv_op_line_bytes_max(const LinKvOp& op) {
  size_t bytes = detail::line_head_bytes_max(to_string(op.type), to_string(op.f));
  if (op.f != LinKvF::kNemesis) bytes += kKey.size() + op.key.json_bytes_max();
  if (op.value) bytes += kValue.size() + op.value->json_bytes_max();
  if (op.f == LinKvF::kCas) {
    bytes += kFrom.size() + op.from.json_bytes_max() + kTo.size() + op.to.json_bytes_max();
  }
  return bytes + detail::optional_string_bytes_max(kError, op.error) + kErrorCode.size() +
         core::kIntBytesMax + detail::optional_string_bytes_max(kNemesis, op.nemesis) +
         detail::optional_string_bytes_max(kNode, op.node) +
         detail::optional_string_bytes_max(kClient, op.client) + detail::kLineClose.size();
}

// One op's line at `at`, which has room for linkv_op_line_bytes_max(op).
char* write_linkv_op_line(const LinKvOp& op, char* at) {
  at = detail::write_line_head(at, op.index, op.time_us, op.process, kNemesisProcess,
                               to_string(op.type), to_string(op.f));
  if (op.f != LinKvF::kNemesis) at = op.key.write_json(put(at, kKey));
  if (op.value) at = op.value->write_json(put(at, kValue));
  if (op.f == LinKvF::kCas) {
    at = op.from.write_json(put(at, kFrom));
    at = op.to.write_json(put(at, kTo));
  }
  at = detail::write_optional_string(at, kError, op.error);
  if (op.error_code != 0) at = core::write_int(put(at, kErrorCode), op.error_code);
  at = detail::write_optional_string(at, kNemesis, op.nemesis);
  at = detail::write_optional_string(at, kNode, op.node);
  at = detail::write_optional_string(at, kClient, op.client);
  return put(at, detail::kLineClose);
}

}  // namespace

void append_linkv_op_line(const LinKvOp& op, std::string& out) {
  detail::append_line(op, out, linkv_op_line_bytes_max, write_linkv_op_line);
}

core::Result<LinKvOp, std::string> parse_linkv_op_line(std::string_view line) {
  if (core::json_depth(line, kDepthMax) > kDepthMax) {
    return core::Err{"JSON nested deeper than " + std::to_string(kDepthMax)};
  }
  const json document = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return core::Err{std::string("not valid JSON")};
  if (!document.is_object()) return core::Err{std::string("not a JSON object")};
  try {
    LinKvOp op;
    op.index = int_of(field(document, "index"), "index");
    op.time_us = int_of(field(document, "time_us"), "time_us");
    op.process = detail::process_of(field(document, "process"), kNemesisProcess);
    const auto type = op_type_from(string_of(field(document, "type"), "type"));
    if (!type) fail("type must be invoke, ok, fail or info");
    op.type = *type;
    const auto f = linkv_f_from(string_of(field(document, "f"), "f"));
    if (!f) fail("f must be read, write, cas or nemesis");
    op.f = *f;
    if ((op.f == LinKvF::kNemesis) != (op.process == kNemesisProcess)) {
      fail("f nemesis goes with process \"nemesis\", and only with it");
    }
    switch (op.f) {
      case LinKvF::kRead:
        op.key = core::Value::from_json(field(document, "key"));
        if (const auto it = document.find("value"); it != document.end()) {
          if (op.type != OpType::kOk) fail("only an ok read carries a value");
          op.value = core::Value::from_json(*it);
        } else if (op.type == OpType::kOk) {
          fail("an ok read needs a value (null for nil)");
        }
        break;
      case LinKvF::kWrite:
        op.key = core::Value::from_json(field(document, "key"));
        op.value = core::Value::from_json(field(document, "value"));
        break;
      case LinKvF::kCas:
        op.key = core::Value::from_json(field(document, "key"));
        op.from = core::Value::from_json(field(document, "from"));
        op.to = core::Value::from_json(field(document, "to"));
        break;
      case LinKvF::kNemesis:
        op.nemesis = optional_string(document, "nemesis");
        break;
    }
    op.error = optional_string(document, "error");
    if (const auto it = document.find("error_code"); it != document.end()) {
      const int64_t code = int_of(*it, "error_code");
      if (code < std::numeric_limits<int32_t>::min() ||
          code > std::numeric_limits<int32_t>::max()) {
        fail("error_code is out of range");
      }
      op.error_code = static_cast<int32_t>(code);
    }
    op.node = optional_string(document, "node");
    op.client = optional_string(document, "client");
    return op;
  } catch (const detail::FieldError& error) {
    return core::Err{error.text};
  }
}

core::Result<LinKvHistory, std::string> read_linkv_history(std::istream& in,
                                                           size_t line_bytes_max) {
  LinKvHistory history;
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::string where = "line " + std::to_string(number) + ": ";
    if (line.size() > line_bytes_max) {
      return core::Err{where + "longer than " + std::to_string(line_bytes_max) + " bytes"};
    }
    auto op = parse_linkv_op_line(line);
    if (!op) return core::Err{where + op.error()};
    if (op.value().index != static_cast<int64_t>(history.size())) {
      return core::Err{where + "index " + std::to_string(op.value().index) + " where " +
                       std::to_string(history.size()) + " was expected"};
    }
    history.push_back(std::move(op).value());
  }
  if (in.bad()) return core::Err{std::string("read error")};
  return history;
}

template <>
struct detail::LineFormat<LinKvOp> {
  static size_t bytes_max(const LinKvOp& op) { return linkv_op_line_bytes_max(op); }
  static char* write(const LinKvOp& op, char* at) { return write_linkv_op_line(op, at); }
};
template class HistoryLineWriter<LinKvOp>;

void write_linkv_history(const LinKvHistory& history, std::ostream& out) {
  LinKvHistoryWriter writer(out);
  for (const LinKvOp& op : history) writer.add(op);
  writer.flush();
}

}  // namespace eddy::checker
