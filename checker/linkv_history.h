// The history of a lin-kv run: invocations and completions of `read`,
// `write` and `cas` on independent keys, plus the nemesis's actions, in the
// order they happened. It is all the lin-kv checker sees, as Jepsen's
// `independent` + Knossos checker sees only Jepsen's history. The simulator
// writes it, `read_linkv_history` reads it back (JSON lines, format in
// docs/history-format.md), and a Maelstrom store's `history.edn` converts to
// it (checker/maelstrom_store.h).
//
// Jepsen's shape (maelstrom workload/lin_kv.clj, jepsen
// tests/linearizable_register.clj) is `:value [k v]` with v = nil (read
// invocation), the value read (read :ok), the value written, or `[from to]`
// for cas. Eddy keeps the key and the arguments in fields of their own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/history.h"
#include "core/value.h"

namespace eddy::checker {

// The nemesis's actions are kNemesis, with a description, as in kafka
// histories.
enum class LinKvF : uint8_t { kRead, kWrite, kCas, kNemesis };

std::string_view to_string(LinKvF f);
std::optional<LinKvF> linkv_f_from(std::string_view text);

struct LinKvOp {
  int64_t index = 0;    // position in the history, from 0
  int64_t time_us = 0;  // since the start of the run
  int64_t process = 0;  // Jepsen's process, or kNemesisProcess
  OpType type = OpType::kInvoke;
  LinKvF f = LinKvF::kRead;

  // Any JSON; Maelstrom's workload uses the integers 0, 1, 2, ...
  core::Value key;
  // write: the value written (every entry). read: the value read, on an ok
  // completion only; JSON null there means the node answered read_ok with
  // null. nullopt everywhere else (read invocations, fail/info reads, cas).
  std::optional<core::Value> value;
  // cas: from and to (every entry of a cas).
  core::Value from;
  core::Value to;

  // fail/info: why, as "<name>: <text>" for an error reply
  // ("key-does-not-exist: key does not exist") or Maelstrom's keyword
  // ("net-timeout"); error_code is the Maelstrom error code when one came
  // back (20, 22, ...), else 0.
  std::string error;
  int32_t error_code = 0;

  // kNemesis: what the nemesis did ("start-partition majority [n0 n1] | [n2]").
  std::string nemesis;

  // Diagnostics, not used by the checks: the node and client involved.
  std::string node;
  std::string client;

  friend bool operator==(const LinKvOp&, const LinKvOp&) = default;
};

using LinKvHistory = std::vector<LinKvOp>;

}  // namespace eddy::checker
