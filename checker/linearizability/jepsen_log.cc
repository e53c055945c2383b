// parse_jepsen_log: splits the text into lines, each line into
// whitespace-separated fields after "jepsen.util -", and maps the fields onto
// a HistoryEvent.
#include "checker/linearizability/jepsen_log.h"

#include <charconv>
#include <optional>

namespace eddy::lin {
namespace {

constexpr std::string_view kLogger = "jepsen.util";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::vector<std::string_view> fields_of(std::string_view text) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    const size_t start = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  return fields;
}

std::optional<int64_t> integer_of(std::string_view text) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<ValueId> value_of(std::string_view text) {
  if (text == "nil") return kNil;
  const auto value = integer_of(text);
  if (!value || *value <= kNil || *value > std::numeric_limits<ValueId>::max()) return std::nullopt;
  return static_cast<ValueId>(*value);
}

std::optional<EventType> type_of(std::string_view text) {
  if (text == ":invoke") return EventType::kInvoke;
  if (text == ":ok") return EventType::kOk;
  if (text == ":fail") return EventType::kFail;
  if (text == ":info") return EventType::kInfo;
  return std::nullopt;
}

std::optional<RegisterF> f_of(std::string_view text) {
  if (text == ":read") return RegisterF::kRead;
  if (text == ":write") return RegisterF::kWrite;
  if (text == ":cas") return RegisterF::kCas;
  return std::nullopt;
}

// Fills the event's arguments from the value fields; false if malformed.
bool parse_value(std::span<const std::string_view> value, HistoryEvent& event) {
  if (value.size() == 1 && value[0] == ":timed-out") return true;
  if (event.f == RegisterF::kCas) {
    if (value.size() != 2 || !value[0].starts_with('[') || !value[1].ends_with(']')) return false;
    const auto from = value_of(value[0].substr(1));
    const auto to = value_of(value[1].substr(0, value[1].size() - 1));
    if (!from || !to) return false;
    event.arg1 = *from;
    event.arg2 = *to;
    event.has_arg1 = true;
    return true;
  }
  if (value.size() != 1) return false;
  const auto v = value_of(value[0]);
  if (!v) return false;
  event.arg1 = *v;
  event.has_arg1 = true;
  return true;
}

}  // namespace

core::Result<std::vector<HistoryEvent>, LogError> parse_jepsen_log(std::string_view text) {
  std::vector<HistoryEvent> events;
  int64_t line_number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_number;

    const std::vector<std::string_view> fields = fields_of(line);
    // INFO jepsen.util - PROCESS TYPE F VALUE...
    if (fields.size() < 4 || fields[1] != kLogger || fields[2] != "-") continue;
    const auto process = integer_of(fields[3]);
    if (!process) continue;  // the nemesis, or another non-client line
    const auto error = [&](std::string message) {
      return core::Err{LogError{line_number, std::move(message) + ": " + std::string(line)}};
    };
    if (fields.size() < 7) return error("expected a type, an f and a value");
    const auto type = type_of(fields[4]);
    if (!type) return error("unknown type " + std::string(fields[4]));
    const auto f = f_of(fields[5]);
    if (!f) return error("unknown f " + std::string(fields[5]));
    HistoryEvent event;
    event.process = *process;
    event.type = *type;
    event.f = *f;
    if (!parse_value(std::span(fields).subspan(6), event)) return error("malformed value");
    events.push_back(event);
  }
  return events;
}

}  // namespace eddy::lin
