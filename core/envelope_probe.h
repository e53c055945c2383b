// Reads `src`, `dest` and `body.msg_id` out of a line that will not be decoded
// in full (too long, too deep, or not valid JSON), so that the sender can still
// get an error reply. It streams over the text with a SAX parser: no tree is
// built, nothing recurses, and memory stays constant however deep the line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eddy::core {

struct Envelope {
  std::optional<std::string> src;
  std::optional<std::string> dest;
  std::optional<int64_t> msg_id;
};

// Collects what it can; a parse error midway keeps what was read before it.
Envelope probe_envelope(std::string_view line);

}  // namespace eddy::core
