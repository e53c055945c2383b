// The layout of the `linkv` strategy's state inside Maelstrom's lin-kv
// service: key names and the JSON of a log chunk.
//
//   "log/<key>/<chunk>"  -> [["<writer tag>", msg], ...]   (a prefix of the chunk)
//   "commit/<key>"       -> committed offset (an integer)
//
// Chunk c of a log holds offsets c*C .. c*C+C-1, in order. The key of the log
// may itself contain '/': the chunk number is the text after the last one.
//
// encode_chunk writes the compact JSON that nlohmann's dump() would write for
// the same array, so that decode_chunk(v) re-encoded is byte-identical to v.
// That matters in the simulator, whose lin-kv compares a cas's `from` with the
// stored value byte for byte; Maelstrom's compares structurally.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/value.h"

namespace eddy::core::kafka::linkv {

// One message of a log, as stored: the writer's tag makes the append's
// outcome observable after an RPC timeout (see linkv.h).
struct ChunkEntry {
  std::string tag;
  Value msg;

  friend bool operator==(const ChunkEntry&, const ChunkEntry&) = default;
};

// The lin-kv key (a JSON string) of chunk `chunk` of log `key`.
Value chunk_kv_key(std::string_view key, int64_t chunk);
// The lin-kv key (a JSON string) of the committed offset of log `key`.
Value commit_kv_key(std::string_view key);

// [[tag, msg], ...] as compact JSON.
Value encode_chunk(const std::vector<ChunkEntry>& entries);

// The entries of a stored chunk; an error if `value` is not an array of at
// most `entries_max` [string, any] pairs (someone else's data under our key).
Result<std::vector<ChunkEntry>, std::string> decode_chunk(const Value& value, int64_t entries_max);

// lin-kv's error 22 names the value it found: maelstrom service.clj writes
// (str "current value " (pr-str current) " is not " (pr-str from)). This
// reads `current` back, which saves the read a refused cas would otherwise
// need. It accepts only what it can read exactly: vectors, strings, nil,
// booleans and integers; maps (whose printed order is not JSON's), doubles
// and big integers give nullopt, as does any other text, and the caller
// reads the key instead.
std::optional<Value> current_value_of_refusal(std::string_view error_text);

}  // namespace eddy::core::kafka::linkv
