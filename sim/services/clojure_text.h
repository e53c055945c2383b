// How Maelstrom prints a JSON value inside an error text.
//
// Maelstrom parses a message with cheshire's `parse-string` and keywordizes
// only the envelope and body keys (maelstrom `process.clj` `parse-msg`), so a
// key or value reaches the service as plain Clojure data: objects are maps
// with string keys, arrays are vectors, null is nil, integers are Longs (or
// BigIntegers past int64), other numbers are Doubles. Error 22's text prints
// such data with `pr-str` or `str` (`service.clj`), and these functions give
// the same text.
//
// One difference is unavoidable: a Value keeps object keys sorted (nlohmann
// sorts them), while Clojure prints a small map in the order the JSON had.
#pragma once

#include <string>

#include "core/value.h"

namespace eddy::sim {

// Clojure's `(pr-str v)`: strings in quotes with Clojure's escapes, nil,
// `[1 2]`, `{"a" 1, "b" [true nil]}`, doubles as Java prints them (`1.0`,
// `1.0E20`), integers past int64 with the `BIGINT` suffix.
std::string clojure_pr_str(const core::Value& value);

// Clojure's `(str v)`: like clojure_pr_str except at the top level, where a
// string is printed bare, nil is empty and a BigInteger has no suffix.
std::string clojure_str(const core::Value& value);

}  // namespace eddy::sim
