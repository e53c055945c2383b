// Reads what real Maelstrom leaves in a store folder (store/<test>/<time>/)
// into Eddy's histories, so that Eddy's checkers can judge a Maelstrom run:
// history.edn (Jepsen's op maps, one a line, in EDN) becomes a History
// (kafka) or a LinKvHistory (lin-kv), and results.edn gives Maelstrom's own
// verdict and counts to compare with.
//
// How a Jepsen op maps to an Eddy op (details in docs/history-format.md):
//  - index: the op's position in the file (Jepsen's :index is not used);
//    time_us: :time (ns since the test began) / 1000, or the previous op's
//    time where :time is missing; process: :process (an integer >= 0, or
//    :nemesis); type: :type. Other keys (:poll-ms, :unseen, :exception...)
//    are ignored.
//  - nemesis ops (:process :nemesis): every line is kept as an info op of f
//    kNemesis, described as "<f> <value as compact EDN>"
//    ("start-partition :majority", "stop-partition nil").
//  - :error: a string is kept as it is, [:name "text"] as "name: text", a
//    keyword as its name ("net-timeout"), anything else as compact EDN.
//  - a completion whose :value is missing or nil takes its arguments from the
//    invocation in flight on its process. A completion with no invocation is
//    kept as it is: judging it is the checker's job.
// Refused, with the line and column and the field: EDN that does not parse,
// an op that is not a map, a missing :type, :f or :process, an unknown :type,
// a :process that is neither an integer >= 0 nor :nemesis, an :f the workload
// does not have, a :value of the wrong shape.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <istream>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "checker/edn.h"
#include "checker/history.h"
#include "checker/linkv_history.h"
#include "checker/verdict.h"
#include "core/result.h"

namespace eddy::checker {

// Maelstrom's kafka workload (maelstrom workload/kafka.clj, jepsen
// tests/kafka.clj; docs/maelstrom-semantics.md section 4.3): send
// [[:send k v]] -> [[:send k [offset v]]], poll [[:poll]] -> [[:poll {k
// [[offset v] ...]}]] (key order kept), assign [k ...] with an optional
// :seek-to-beginning? true, crash. Keys are strings (an integer key becomes
// its decimal text, as Maelstrom's StringKeys does); a message that is not an
// integer becomes kNonIntegerValue. `committed` stays nullopt: Maelstrom
// 0.2.x's assign records no committed offsets.
core::Result<History, std::string> read_maelstrom_kafka_history(std::istream& in,
                                                                const EdnLimits& limits = {});

// Maelstrom's lin-kv workload (maelstrom workload/lin_kv.clj through jepsen
// `independent`): :value [k v] with v = nil (read invocation), the value read,
// the value written, or [from to] for cas. Untupled single-register
// histories (Knossos style: read nil / 3, write 3, cas [4 1]) are read too,
// with the key JSON null; each op's style is decided by its own shape (a cas
// [k [a b]] is a tuple, [a b] of scalars is not; a write or read [k v] is a
// tuple, a scalar is not). Keys and values convert to JSON (integers,
// strings, nil -> null, booleans, floats, vectors and lists -> arrays, maps
// with string keys -> objects; anything else is refused). A read's value is
// taken from its ok completion only; a write's value and a cas's from and to
// from the invocation (a completion may carry anything there, :timed-out...).
// error_code comes from Maelstrom's error names (core/error_code.h), 0 when
// the name is unknown.
core::Result<LinKvHistory, std::string> read_maelstrom_linkv_history(std::istream& in,
                                                                     const EdnLimits& limits = {});

inline constexpr std::string_view kMaelstromHistoryFile = "history.edn";
inline constexpr std::string_view kMaelstromResultsFile = "results.edn";

// True when `path` is a directory holding a history.edn file: a Maelstrom
// store folder such as store/<test>/<time>/ or store/<test>/latest/.
bool is_maelstrom_store(const std::filesystem::path& path);
// The store's history.edn / results.edn, opened for reading; the error names
// the file that is missing or unreadable.
core::Result<std::ifstream, std::string> open_maelstrom_history(const std::filesystem::path& store);
core::Result<std::ifstream, std::string> open_maelstrom_results(const std::filesystem::path& store);

// One line of Maelstrom's :stats (jepsen checker/stats): completions counted
// by type, nemesis ops excluded.
struct MaelstromCounts {
  int64_t count = 0;
  int64_t ok_count = 0;
  int64_t fail_count = 0;
  int64_t info_count = 0;
  friend bool operator==(const MaelstromCounts&, const MaelstromCounts&) = default;
};

// What results.edn says, as far as comparing Eddy with Maelstrom needs.
struct MaelstromResults {
  Validity valid = Validity::kUnknown;                // the top-level :valid?
  std::optional<Validity> workload_valid;             // :workload :valid?, when present
  std::optional<MaelstromCounts> stats;               // :stats, when present
  std::map<std::string, MaelstromCounts> stats_by_f;  // :stats :by-f, f without ':'
};

// Reads results.edn (its first form, a map). :valid? values are true, false
// or :unknown; anything else, or a missing top-level :valid?, is an error.
core::Result<MaelstromResults, std::string> read_maelstrom_results(std::istream& in,
                                                                   const EdnLimits& limits = {});

}  // namespace eddy::checker
