// The codec's fast path: the kafka workload's requests (send, poll,
// commit_offsets, list_committed_offsets) decoded straight into typed bodies
// by simdjson's On-Demand API, without building a DOM.
//
// It is an optimisation and nothing more: it either returns exactly the
// Message that the DOM path (json_codec.cc) would return for the line, or
// declines, and decode_line then takes the DOM path, whose answers and error
// texts are the reference. Any other type is sent there after a glance at
// the text, before any parsing. It declines whenever the line is anything
// but the plain, valid shape of a hot request: a byte below 0x20 or a
// backslash anywhere (no escapes to compare), a field it does not know, a
// duplicate field or key, a value of a type it does not expect, a limit
// reached, any parse error. So every bad line still goes through today's
// hardened path. tests/unit/fast_decode_test.cc and
// tests/property/fast_decode_property_test.cc hold it to that contract on
// valid and mutated lines.
//
// Why simdjson and not nlohmann's SAX interface: on the benchmark's send and
// poll lines (bench/codec_bench.cc) nlohmann's SAX parser with a handler that
// does nothing already costs more than this whole decode; see
// docs/performance.md.
#pragma once

#include <optional>
#include <string_view>

#include "core/limits.h"
#include "core/message.h"

namespace eddy::core {

// The Message the DOM path would decode from `line`, or nullopt to say "take
// the DOM path". Never throws.
std::optional<Message> fast_decode(std::string_view line, const Limits& limits);

}  // namespace eddy::core
