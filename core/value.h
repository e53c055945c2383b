// Value: any JSON value, stored compactly (16 bytes).
//
// Kafka messages and lin-kv keys/values may be any JSON. The workload sends
// small integers, so an integer is kept inline; anything else is kept as its
// compact JSON text, which costs about its serialized size and is written back
// to the wire verbatim without re-encoding.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace eddy::core {

class Value {
 public:
  Value() : Value(int64_t{0}) {}
  explicit Value(int64_t integer) : word_(static_cast<uint64_t>(integer)), size_(kIntegerTag) {}
  // `json_text` must be one complete, compact JSON value (the codec's dump()).
  static Value from_json_text(std::string_view json_text);
  static Value from_json(const nlohmann::json& json);

  // Inline, with the text's copy and release out of line: every message,
  // record and gossip item copies or moves its Value, nearly always an
  // integer, and a call each cost more than the copy.
  Value(const Value& other) : word_(other.word_), size_(other.size_) {
    if (!other.is_integer()) word_ = copy_text(other.text());
  }
  Value& operator=(const Value& other);
  Value(Value&& other) noexcept : word_(other.word_), size_(other.size_) {
    other.size_ = kIntegerTag;
    other.word_ = 0;
  }
  Value& operator=(Value&& other) noexcept {
    if (this != &other) {
      release();
      word_ = other.word_;
      size_ = other.size_;
      other.size_ = kIntegerTag;
      other.word_ = 0;
    }
    return *this;
  }
  ~Value() { release(); }

  bool is_integer() const { return size_ == kIntegerTag; }
  int64_t integer() const { return static_cast<int64_t>(word_); }  // pre: is_integer()
  // The stored JSON text of a non-integer value (pre: !is_integer()).
  std::string_view json_text() const { return text(); }
  // The compact JSON text of the value (for integers too, at the cost of a string).
  std::string to_json_text() const;
  nlohmann::json to_json() const;
  // Appends the JSON text to `out` without allocating for integers.
  void append_json(std::string& out) const;
  // The raw writer (core/json_writer.h): writes the JSON text at `at`, which
  // has room for json_bytes_max() bytes, and returns its end.
  size_t json_bytes_max() const { return is_integer() ? 20 : size_; }
  char* write_json(char* at) const;

  friend bool operator==(const Value& a, const Value& b);
  // A total order (integers before texts), for ordered containers of keys.
  friend bool operator<(const Value& a, const Value& b);

  size_t heap_bytes() const { return is_integer() ? 0 : size_; }

 private:
  static constexpr uint32_t kIntegerTag = 0xffffffffu;
  std::string_view text() const { return {reinterpret_cast<const char*>(word_), size_}; }
  static uint64_t copy_text(std::string_view text);  // a new[] copy, as a word
  static void delete_text(uint64_t word);
  void release() {
    if (!is_integer()) delete_text(word_);
    size_ = kIntegerTag;
    word_ = 0;
  }

  uint64_t word_;  // the integer, or a pointer to `size_` bytes of JSON text
  uint32_t size_;  // kIntegerTag for an integer
};

}  // namespace eddy::core
