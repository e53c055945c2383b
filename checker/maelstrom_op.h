// Internal to the Maelstrom store import (maelstrom_store.h): what the kafka
// and lin-kv readers share. A Jepsen op map's common fields (:time, :type,
// :process, :f, :value, :error), read and checked in one pass over the map;
// the loop over a history.edn's forms; the texts of errors and nemesis
// actions; EDN values as JSON. Errors are thrown as ImportError inside the
// import and become the Result's error at its edge.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

#include "checker/edn.h"
#include "checker/history.h"
#include "core/value.h"

namespace eddy::checker::detail {

struct ImportError {
  std::string text;  // "line 3, column 7: <what is wrong>"
};

// Throws ImportError at `at`'s position.
[[noreturn]] void fail_at(EdnValue at, std::string_view what);
// "found the keyword :timed-out": the kind and (shortened) text of a value.
std::string found(EdnValue value);

// A vector or a list.
inline bool is_sequence(EdnValue value) {
  return value.is(EdnKind::kVector) || value.is(EdnKind::kList);
}

struct JepsenOp {
  EdnValue map;
  int64_t time_us = 0;
  OpType type = OpType::kInvoke;
  int64_t process = 0;  // kNemesisProcess for :nemesis
  EdnValue f;           // a keyword
  std::optional<EdnValue> value;
  std::optional<EdnValue> error;
  std::optional<EdnValue> seek_to_beginning;

  bool is_nemesis() const { return process == kNemesisProcess; }
  // The :value, unless it is missing or nil.
  std::optional<EdnValue> given_value() const;
};

// Reads history.edn's forms in order, calling on_op with each op's common
// fields; a form that is not an op map (or a tagged map, such as
// #jepsen.history.Op{...}) is an error. Throws ImportError.
void for_each_jepsen_op(std::istream& in, const EdnLimits& limits,
                        const std::function<void(const JepsenOp&)>& on_op);

// How many ops the rest of a stream may hold (its lines, bounded by its size),
// so that a history can be allocated once; 0 where the stream cannot seek
// back. Leaves the stream where it was.
size_t ops_ahead(std::istream& in);

// "start-partition :majority": the nemesis op's f and value.
std::string nemesis_text(const JepsenOp& op);

// The :error as Eddy keeps it: a string as it is, [:name "text"] as
// "name: text", a keyword as its name, anything else as compact EDN.
std::string error_text(EdnValue error);
// Maelstrom's code for the error's name ([:name ...] or :name), 0 if none.
int32_t error_code_of(EdnValue error);

// An EDN value as JSON: integers, strings, nil, booleans, finite floats,
// vectors and lists, maps with string keys. Throws ImportError otherwise.
core::Value json_value_of(EdnValue value, std::string_view field);

}  // namespace eddy::checker::detail
