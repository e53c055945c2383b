#include "core/kafka/linkv_codec.h"

#include <charconv>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

namespace eddy::core::kafka::linkv {
namespace {

Value json_string(const std::string& text) { return Value::from_json(nlohmann::json(text)); }

// Reads the subset of EDN that pr-str writes for JSON arrays, strings, nil,
// booleans and integers (clojure core_print.clj), into JSON.
class EdnReader {
 public:
  explicit EdnReader(std::string_view text) : text_(text) {}

  bool read_value(nlohmann::json& out, int depth) {
    if (depth > kDepthMax || at_end()) return false;
    const char c = text_[pos_];
    if (c == '[') return read_vector(out, depth);
    if (c == '"') return read_string(out);
    if (c == '-' || (c >= '0' && c <= '9')) return read_integer(out);
    for (const auto& [word, value] : {std::pair<std::string_view, nlohmann::json>{"nil", nullptr},
                                      {"true", true},
                                      {"false", false}}) {
      if (text_.substr(pos_, word.size()) == word && !symbol_char(pos_ + word.size())) {
        pos_ += word.size();
        out = value;
        return true;
      }
    }
    return false;  // maps, doubles, anything else: not exactly readable here
  }

  bool consume(std::string_view literal) {
    if (text_.substr(pos_, literal.size()) != literal) return false;
    pos_ += literal.size();
    return true;
  }

 private:
  static constexpr int kDepthMax = 64;

  bool at_end() const { return pos_ >= text_.size(); }
  bool symbol_char(size_t at) const {
    if (at >= text_.size()) return false;
    const char c = text_[at];
    return c != ' ' && c != ']' && c != ',';
  }

  bool read_vector(nlohmann::json& out, int depth) {
    ++pos_;  // [
    out = nlohmann::json::array();
    for (bool first = true;; first = false) {
      if (at_end()) return false;
      if (text_[pos_] == ']') {
        ++pos_;
        return true;
      }
      if (!first && !consume(" ")) return false;
      nlohmann::json element;
      if (!read_value(element, depth + 1)) return false;
      out.push_back(std::move(element));
    }
  }

  bool read_string(nlohmann::json& out) {
    ++pos_;  // "
    std::string text;
    while (!at_end()) {
      const char c = text_[pos_++];
      if (c == '"') {
        // nlohmann rejects invalid UTF-8 when it writes; so do we.
        if (!valid_utf8(text)) return false;
        out = std::move(text);
        return true;
      }
      if (c != '\\') {
        text.push_back(c);
        continue;
      }
      if (at_end()) return false;
      switch (text_[pos_++]) {
        case 'n':
          text.push_back('\n');
          break;
        case 't':
          text.push_back('\t');
          break;
        case 'r':
          text.push_back('\r');
          break;
        case '"':
          text.push_back('"');
          break;
        case '\\':
          text.push_back('\\');
          break;
        case 'f':
          text.push_back('\f');
          break;
        case 'b':
          text.push_back('\b');
          break;
        default:
          return false;
      }
    }
    return false;
  }

  bool read_integer(nlohmann::json& out) {
    int64_t value = 0;
    const char* begin = text_.data() + pos_;
    const char* end = text_.data() + text_.size();
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || symbol_char(static_cast<size_t>(ptr - text_.data()))) {
      return false;  // 1.5, 1E3, 12N, out of range
    }
    pos_ = static_cast<size_t>(ptr - text_.data());
    out = value;
    return true;
  }

  static bool valid_utf8(const std::string& text) {
    const nlohmann::json probe = text;
    try {
      (void)probe.dump();
    } catch (const nlohmann::json::exception&) {
      return false;
    }
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<Value> current_value_of_refusal(std::string_view error_text) {
  EdnReader reader(error_text);
  nlohmann::json current;
  if (!reader.consume("current value ") || !reader.read_value(current, 0) ||
      !reader.consume(" is not ")) {
    return std::nullopt;
  }
  return Value::from_json(current);
}

Value chunk_kv_key(std::string_view key, int64_t chunk) {
  std::string name = "log/";
  name.append(key);
  name += '/';
  name += std::to_string(chunk);
  return json_string(name);
}

Value commit_kv_key(std::string_view key) {
  std::string name = "commit/";
  name.append(key);
  return json_string(name);
}

Value encode_chunk(const std::vector<ChunkEntry>& entries) {
  std::string text = "[";
  for (const ChunkEntry& entry : entries) {
    if (text.size() > 1) text += ',';
    text += '[';
    text += nlohmann::json(entry.tag).dump();
    text += ',';
    entry.msg.append_json(text);
    text += ']';
  }
  text += ']';
  return Value::from_json_text(text);
}

Result<std::vector<ChunkEntry>, std::string> decode_chunk(const Value& value, int64_t entries_max) {
  if (value.is_integer()) return Err{std::string("a chunk must be an array, not an integer")};
  const nlohmann::json json =
      nlohmann::json::parse(value.json_text(), nullptr, /*allow_exceptions=*/false);
  if (!json.is_array()) return Err{std::string("a chunk must be an array")};
  if (std::ssize(json) > entries_max) {
    return Err{"a chunk holds at most " + std::to_string(entries_max) + " entries, this one " +
               std::to_string(json.size())};
  }
  std::vector<ChunkEntry> entries;
  entries.reserve(json.size());
  for (const nlohmann::json& element : json) {
    if (!element.is_array() || element.size() != 2 || !element[0].is_string()) {
      return Err{std::string("a chunk entry must be a [tag, msg] pair")};
    }
    entries.push_back(ChunkEntry{element[0].get<std::string>(), Value::from_json(element[1])});
  }
  return entries;
}

}  // namespace eddy::core::kafka::linkv
