// The fields every JSON history line has, for both history formats
// (history_io.cc, linkv_history_io.cc): reading them (each helper throws
// FieldError with a text naming the field; a reader catches it once per line
// and turns it into its Result) and writing them in their fixed order.
// Internal to the checker.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/json_writer.h"

namespace eddy::checker::detail {

struct FieldError {
  std::string text;
};

[[noreturn]] inline void fail(std::string text) { throw FieldError{std::move(text)}; }

inline int64_t int_of(const nlohmann::json& value, std::string_view what) {
  // nlohmann keeps integers above INT64_MAX as unsigned: get<int64_t> would wrap.
  if (value.is_number_unsigned() &&
      value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    fail(std::string(what) + " is out of range");
  }
  if (value.is_number_integer()) return value.get<int64_t>();
  fail(std::string(what) + " must be an integer");
}

inline const nlohmann::json& field(const nlohmann::json& object, std::string_view name) {
  const auto it = object.find(name);
  if (it == object.end()) fail("missing field '" + std::string(name) + "'");
  return *it;
}

inline std::string string_of(const nlohmann::json& value, std::string_view what) {
  if (!value.is_string()) fail(std::string(what) + " must be a string");
  return value.get<std::string>();
}

// `process`: an integer >= 0, or "nemesis" (kNemesisProcess).
inline int64_t process_of(const nlohmann::json& value, int64_t nemesis_process) {
  if (value.is_string() && value.get_ref<const std::string&>() == "nemesis") return nemesis_process;
  const int64_t process = int_of(value, "process");
  if (process < 0) fail("process must be >= 0 or \"nemesis\"");
  return process;
}

// Opens a line with index, time_us, process (an integer, or "nemesis" for
// `nemesis_process`), type and f; the caller appends the op's own fields and
// closes the object.
inline void append_line_head(std::string& out, int64_t index, int64_t time_us, int64_t process,
                             int64_t nemesis_process, std::string_view type, std::string_view f) {
  // Literals as string_views: their lengths are known here, no strlen per call.
  using namespace std::string_view_literals;
  out.append("{\"index\":"sv);
  core::append_int(out, index);
  out.append(",\"time_us\":"sv);
  core::append_int(out, time_us);
  out.append(",\"process\":"sv);
  if (process == nemesis_process) {
    out.append("\"nemesis\""sv);
  } else {
    core::append_int(out, process);
  }
  out.append(",\"type\":\""sv);
  out.append(type);
  out.append("\",\"f\":\""sv);
  out.append(f);
  out.push_back('"');
}

}  // namespace eddy::checker::detail
