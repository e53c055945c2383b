// What the kafka and lin-kv imports share (maelstrom_op.h): Jepsen's op map
// fields, the loop over history.edn, error and nemesis texts, EDN as JSON.
#include "checker/maelstrom_op.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error_code.h"

namespace eddy::checker::detail {
namespace {

// How deep a key or value may nest when converted to JSON (eddy-node's
// default json_depth_max is 64 too).
constexpr int kJsonDepthMax = 64;
// How much of a value an error message shows.
constexpr size_t kShownBytesMax = 80;

std::optional<OpType> op_type_of(EdnValue type) {
  if (!type.is(EdnKind::kKeyword)) return std::nullopt;
  return op_type_from(type.text());
}

// The keys of a Jepsen op map that are read; the others are ignored.
struct OpFields {
  std::optional<EdnValue> index, time, type, process, f, value, error, seek;
};

// Where the value under key `name` goes; nullptr for a key that is ignored.
// (Called for every key of every op: compares lengths before bytes.)
std::optional<EdnValue>* slot_of(std::string_view name, OpFields& fields) {
  switch (name.size()) {
    case 1:
      return name == "f" ? &fields.f : nullptr;
    case 4:
      if (name == "time") return &fields.time;
      return name == "type" ? &fields.type : nullptr;
    case 5:
      if (name == "value") return &fields.value;
      if (name == "index") return &fields.index;
      return name == "error" ? &fields.error : nullptr;
    case 7:
      return name == "process" ? &fields.process : nullptr;
    case 18:
      return name == "seek-to-beginning?" ? &fields.seek : nullptr;
    default:
      return nullptr;
  }
}

// The fields of one Jepsen op map, in one pass over its entries.
JepsenOp read_op(EdnValue form, int64_t previous_time_us) {
  // A history written from jepsen.history.Op records reads as tagged maps.
  const EdnValue map = form.is(EdnKind::kTagged) && form.tagged_value().is(EdnKind::kMap)
                           ? form.tagged_value()
                           : form;
  if (!map.is(EdnKind::kMap)) fail_at(form, "an op must be a map, " + found(form));
  OpFields fields;
  auto& [index, time, type, process, f, value, error, seek] = fields;
  const auto children = map.children();
  for (auto it = children.begin(); it != children.end();) {
    const EdnValue key = *it;
    ++it;
    const EdnValue field = *it;
    ++it;
    if (!key.is(EdnKind::kKeyword)) continue;
    std::optional<EdnValue>* const slot = slot_of(key.text(), fields);
    if (slot == nullptr) continue;
    if (slot->has_value()) fail_at(key, "the op repeats the key :" + std::string(key.text()));
    *slot = field;
  }

  if (index && !index->is(EdnKind::kInteger)) {
    fail_at(*index, ":index must be an integer, " + found(*index));
  }
  int64_t time_us = previous_time_us;
  if (time) {
    if (!time->is(EdnKind::kInteger)) {
      fail_at(*time, ":time must be an integer (nanoseconds), " + found(*time));
    }
    time_us = time->integer() / 1000;
  }
  if (!type) fail_at(map, "the op has no :type");
  const auto op_type = op_type_of(*type);
  if (!op_type) fail_at(*type, ":type must be :invoke, :ok, :fail or :info, " + found(*type));
  if (!process) fail_at(map, "the op has no :process");
  int64_t process_id = kNemesisProcess;
  if (process->is(EdnKind::kInteger) && process->integer() >= 0) {
    process_id = process->integer();
  } else if (!process->is_keyword("nemesis")) {
    fail_at(*process, ":process must be an integer >= 0 or :nemesis, " + found(*process));
  }
  if (!f) fail_at(map, "the op has no :f");
  if (!f->is(EdnKind::kKeyword)) fail_at(*f, ":f must be a keyword, " + found(*f));
  return JepsenOp{.map = map,
                  .time_us = time_us,
                  .type = *op_type,
                  .process = process_id,
                  .f = *f,
                  .value = value,
                  .error = error,
                  .seek_to_beginning = seek};
}

// Maelstrom's error names and codes, from core/error_code.h's table.
const std::vector<std::pair<std::string_view, int32_t>>& error_names() {
  static const std::vector<std::pair<std::string_view, int32_t>> names = [] {
    std::vector<std::pair<std::string_view, int32_t>> out;
    for (int32_t code = 0; code < 1000; ++code) {
      if (const auto info = core::error_info(code)) out.emplace_back(info->name, code);
    }
    return out;
  }();
  return names;
}

// [:name "text"], Maelstrom's with-errors shape.
bool is_named_error(EdnValue error) {
  return is_sequence(error) && error.size() == 2 && error.child(0).is(EdnKind::kKeyword) &&
         error.child(1).is(EdnKind::kString);
}

nlohmann::json json_of(EdnValue value, std::string_view field, int depth) {
  if (depth > kJsonDepthMax) {
    fail_at(value, std::string(field) + ": nested deeper than " + std::to_string(kJsonDepthMax) +
                       " levels");
  }
  switch (value.kind()) {
    case EdnKind::kNil:
      return nullptr;
    case EdnKind::kBoolean:
      return value.boolean();
    case EdnKind::kInteger:
      return value.integer();
    case EdnKind::kFloat:
      if (!std::isfinite(value.number())) break;
      return value.number();
    case EdnKind::kString:
      return std::string(value.text());
    case EdnKind::kVector:
    case EdnKind::kList: {
      nlohmann::json array = nlohmann::json::array();
      for (const EdnValue element : value.children()) {
        array.push_back(json_of(element, field, depth + 1));
      }
      return array;
    }
    case EdnKind::kMap: {
      nlohmann::json object = nlohmann::json::object();
      const auto children = value.children();
      for (auto it = children.begin(); it != children.end();) {
        const EdnValue key = *it;
        ++it;
        if (!key.is(EdnKind::kString)) {
          fail_at(key, std::string(field) + ": a JSON object's keys are strings, " + found(key));
        }
        object[std::string(key.text())] = json_of(*it, field, depth + 1);
        ++it;
      }
      return object;
    }
    default:
      break;
  }
  fail_at(value, std::string(field) + ": no JSON value for this EDN value, " + found(value));
}

}  // namespace

void fail_at(EdnValue at, std::string_view what) {
  throw ImportError{EdnError{at.position(), std::string(what)}.to_string()};
}

std::string found(EdnValue value) {
  std::string text = to_edn_text(value);
  if (text.size() > kShownBytesMax) {
    text.resize(kShownBytesMax);
    text.append("...");
  }
  return "found " + std::string(to_string(value.kind())) + " " + text;
}

std::optional<EdnValue> JepsenOp::given_value() const {
  if (!value || value->is_nil()) return std::nullopt;
  return value;
}

void for_each_jepsen_op(std::istream& in, const EdnLimits& limits,
                        const std::function<void(const JepsenOp&)>& on_op) {
  EdnReader reader(in, limits);
  int64_t previous_time_us = 0;
  while (true) {
    auto next = reader.next();
    if (!next) throw ImportError{next.error().to_string()};
    if (!next.value()) return;
    const JepsenOp op = read_op(*next.value(), previous_time_us);
    previous_time_us = op.time_us;
    on_op(op);
  }
}

size_t ops_ahead(std::istream& in) {
  // No Jepsen op map is shorter than this ({:type :ok, :process 0, :f :x}).
  constexpr size_t kShortestOpBytes = 32;
  std::streambuf* const source = in.rdbuf();
  if (!in.good() || source == nullptr) return 0;
  const std::streampos start = source->pubseekoff(0, std::ios::cur, std::ios::in);
  if (start == std::streampos(std::streamoff(-1))) return 0;
  std::string buffer(size_t{64} << 10, '\0');
  size_t lines = 1;
  size_t bytes = 0;
  while (true) {
    const std::streamsize got =
        source->sgetn(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (got <= 0) break;
    bytes += static_cast<size_t>(got);
    // memchr is vectorised; std::count over bytes is not, at -O2.
    const char* p = buffer.data();
    const char* const stop = p + got;
    while (const void* newline = std::memchr(p, '\n', static_cast<size_t>(stop - p))) {
      ++lines;
      p = static_cast<const char*>(newline) + 1;
    }
  }
  if (source->pubseekpos(start, std::ios::in) != start) {
    in.setstate(std::ios::badbit);
    return 0;
  }
  return std::min(lines, bytes / kShortestOpBytes + 1);
}

std::string nemesis_text(const JepsenOp& op) {
  std::string text(op.f.text());
  text.push_back(' ');
  if (op.value) {
    append_edn(*op.value, text);
  } else {
    text.append("nil");
  }
  return text;
}

std::string error_text(EdnValue error) {
  if (error.is(EdnKind::kString)) return std::string(error.text());
  if (error.is(EdnKind::kKeyword)) return std::string(error.text());
  if (is_named_error(error)) {
    return std::string(error.child(0).text()) + ": " + std::string(error.child(1).text());
  }
  return to_edn_text(error);
}

int32_t error_code_of(EdnValue error) {
  std::string_view name;
  if (error.is(EdnKind::kKeyword)) {
    name = error.text();
  } else if (is_named_error(error)) {
    name = error.child(0).text();
  } else {
    return 0;
  }
  for (const auto& [known, code] : error_names()) {
    if (known == name) return code;
  }
  return 0;
}

core::Value json_value_of(EdnValue value, std::string_view field) {
  // Integers, nearly every key and value of a run, skip the DOM.
  if (value.is(EdnKind::kInteger)) return core::Value(value.integer());
  return core::Value::from_json(json_of(value, field, 0));
}

}  // namespace eddy::checker::detail
