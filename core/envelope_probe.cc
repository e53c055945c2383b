#include "core/envelope_probe.h"

#include <limits>

#include <nlohmann/json.hpp>

namespace eddy::core {
namespace {

// A SAX handler that only remembers three fields, found by their position:
// depth 1 for `src`/`dest`, depth 2 under the top-level `body` for `msg_id`.
class ProbeHandler final : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit ProbeHandler(Envelope& envelope) : envelope_(envelope) {}

  bool null() override { return scalar(); }
  bool boolean(bool) override { return scalar(); }
  bool number_integer(number_integer_t value) override {
    if (at_msg_id()) envelope_.msg_id = value;
    return scalar();
  }
  bool number_unsigned(number_unsigned_t value) override {
    if (at_msg_id() && value <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      envelope_.msg_id = static_cast<int64_t>(value);
    }
    return scalar();
  }
  bool number_float(number_float_t, const string_t&) override { return scalar(); }
  bool string(string_t& value) override {
    if (depth_ == 1 && key_ == "src") envelope_.src = value;
    if (depth_ == 1 && key_ == "dest") envelope_.dest = value;
    return scalar();
  }
  bool binary(binary_t&) override { return scalar(); }
  bool start_object(std::size_t) override { return open(); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(); }
  bool end_array() override { return close(); }
  bool key(string_t& value) override {
    // Only keys at depth 1 and inside `body` matter; skip copying the rest.
    if (depth_ == 1 || (depth_ == 2 && in_body_)) key_ = value;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  bool at_msg_id() const { return depth_ == 2 && in_body_ && key_ == "msg_id"; }
  // Returning false stops the parse: once all three fields are known, the
  // rest of a huge line need not be scanned.
  bool scalar() {
    if (depth_ <= 2) key_.clear();
    return !(envelope_.src && envelope_.dest && envelope_.msg_id);
  }
  bool open() {
    ++depth_;
    if (depth_ == 2) in_body_ = (key_ == "body");
    key_.clear();
    return true;
  }
  bool close() {
    if (depth_ == 2) in_body_ = false;
    --depth_;
    return true;
  }

  Envelope& envelope_;
  int64_t depth_ = 0;
  bool in_body_ = false;
  std::string key_;
};

}  // namespace

Envelope probe_envelope(std::string_view line) {
  Envelope envelope;
  ProbeHandler handler(envelope);
  nlohmann::json::sax_parse(line.begin(), line.end(), &handler,
                            nlohmann::json::input_format_t::json, /*strict=*/false);
  return envelope;
}

}  // namespace eddy::core
