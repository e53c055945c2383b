#include "core/value.h"

#include <cstring>
#include <limits>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/json_writer.h"

namespace eddy::core {

uint64_t Value::copy_text(std::string_view text) {
  char* bytes = new char[text.size()];
  std::memcpy(bytes, text.data(), text.size());
  return reinterpret_cast<uint64_t>(bytes);
}

void Value::delete_text(uint64_t word) { delete[] reinterpret_cast<char*>(word); }

Value Value::from_json_text(std::string_view json_text) {
  if (json_text.size() >= kIntegerTag) throw std::length_error("Value: JSON text too long");
  Value value;
  value.word_ = copy_text(json_text);
  value.size_ = static_cast<uint32_t>(json_text.size());
  return value;
}

Value Value::from_json(const nlohmann::json& json) {
  if (json.is_number_integer()) {
    if (json.is_number_unsigned()) {
      const auto u = json.get<uint64_t>();
      if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return Value(static_cast<int64_t>(u));
      }
    } else {
      return Value(json.get<int64_t>());
    }
  }
  return from_json_text(json.dump());
}

Value& Value::operator=(const Value& other) {
  if (this != &other) {
    Value copy(other);
    *this = std::move(copy);
  }
  return *this;
}

std::string Value::to_json_text() const {
  std::string out;
  append_json(out);
  return out;
}

nlohmann::json Value::to_json() const {
  if (is_integer()) return nlohmann::json(integer());
  return nlohmann::json::parse(text());
}

void Value::append_json(std::string& out) const {
  if (is_integer()) {
    append_int(out, integer());
  } else {
    out.append(text());
  }
}

char* Value::write_json(char* at) const {
  if (is_integer()) return write_int(at, integer());
  std::memcpy(at, text().data(), size_);
  return at + size_;
}

bool operator==(const Value& a, const Value& b) {
  if (a.is_integer() || b.is_integer()) {
    return a.is_integer() == b.is_integer() && a.word_ == b.word_;
  }
  return a.text() == b.text();
}

bool operator<(const Value& a, const Value& b) {
  if (a.is_integer() != b.is_integer()) return a.is_integer();
  if (a.is_integer()) return a.integer() < b.integer();
  return a.text() < b.text();
}

}  // namespace eddy::core
