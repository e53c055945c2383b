// The store folder (is_maelstrom_store, open_maelstrom_history/results) and
// results.edn (read_maelstrom_results) of maelstrom_store.h. The two history
// imports are in maelstrom_kafka.cc and maelstrom_linkv.cc.
//
// results.edn is Jepsen's composed checker result: one map with :valid? at
// the top, one entry per checker (:workload, :stats, :perf, :net...), each
// with its own :valid?. Only what a comparison with Eddy needs is read; the
// rest (Knossos configs, anomalies...) only has to parse.
#include <system_error>
#include <utility>

#include "checker/maelstrom_op.h"
#include "checker/maelstrom_store.h"

namespace eddy::checker {
namespace {

using detail::fail_at;
using detail::found;

core::Result<std::ifstream, std::string> open_in_store(const std::filesystem::path& store,
                                                       std::string_view name) {
  const std::filesystem::path path = store / name;
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return core::Err{path.string() + ": no such file (is " + store.string() +
                     " a Maelstrom store folder, store/<test>/<time>/?)"};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::Err{path.string() + ": cannot be opened"};
  return core::Result<std::ifstream, std::string>(std::move(in));
}

Validity validity_of(EdnValue valid, std::string_view field) {
  if (valid.is(EdnKind::kBoolean)) return valid.boolean() ? Validity::kValid : Validity::kInvalid;
  if (valid.is_keyword("unknown")) return Validity::kUnknown;
  fail_at(valid, std::string(field) + " must be true, false or :unknown, " + found(valid));
}

int64_t count_of(EdnValue counts, std::string_view name, std::string_view field) {
  const std::optional<EdnValue> count = counts.find(name);
  if (!count) return 0;  // Jepsen's stats leave out nothing, but be lenient.
  if (!count->is(EdnKind::kInteger)) {
    fail_at(*count, std::string(field) + " :" + std::string(name) + " must be an integer, " +
                        found(*count));
  }
  return count->integer();
}

MaelstromCounts counts_of(EdnValue counts, std::string_view field) {
  if (!counts.is(EdnKind::kMap))
    fail_at(counts, std::string(field) + " must be a map, " + found(counts));
  return MaelstromCounts{count_of(counts, "count", field), count_of(counts, "ok-count", field),
                         count_of(counts, "fail-count", field),
                         count_of(counts, "info-count", field)};
}

MaelstromResults results_of(EdnValue root) {
  if (!root.is(EdnKind::kMap)) fail_at(root, "results.edn must hold a map, " + found(root));
  MaelstromResults results;
  const std::optional<EdnValue> valid = root.find("valid?");
  if (!valid) fail_at(root, "results.edn has no top-level :valid?");
  results.valid = validity_of(*valid, ":valid?");
  if (const auto workload = root.find("workload"); workload && workload->is(EdnKind::kMap)) {
    if (const auto workload_valid = workload->find("valid?")) {
      results.workload_valid = validity_of(*workload_valid, ":workload :valid?");
    }
  }
  if (const auto stats = root.find("stats")) {
    results.stats = counts_of(*stats, ":stats");
    if (const auto by_f = stats->find("by-f")) {
      if (!by_f->is(EdnKind::kMap)) fail_at(*by_f, ":stats :by-f must be a map, " + found(*by_f));
      const auto children = by_f->children();
      for (auto it = children.begin(); it != children.end();) {
        const EdnValue f = *it;
        ++it;
        if (!f.is(EdnKind::kKeyword))
          fail_at(f, ":stats :by-f: keys must be keywords, " + found(f));
        results.stats_by_f[std::string(f.text())] = counts_of(*it, ":stats :by-f");
        ++it;
      }
    }
  }
  return results;
}

}  // namespace

bool is_maelstrom_store(const std::filesystem::path& path) {
  std::error_code error;
  return std::filesystem::is_directory(path, error) &&
         std::filesystem::is_regular_file(path / kMaelstromHistoryFile, error);
}

core::Result<std::ifstream, std::string> open_maelstrom_history(
    const std::filesystem::path& store) {
  return open_in_store(store, kMaelstromHistoryFile);
}

core::Result<std::ifstream, std::string> open_maelstrom_results(
    const std::filesystem::path& store) {
  return open_in_store(store, kMaelstromResultsFile);
}

core::Result<MaelstromResults, std::string> read_maelstrom_results(std::istream& in,
                                                                   const EdnLimits& limits) {
  EdnReader reader(in, limits);
  auto next = reader.next();
  if (!next) return core::Err{next.error().to_string()};
  if (!next.value()) return core::Err{std::string("results.edn is empty")};
  try {
    return results_of(*next.value());
  } catch (const detail::ImportError& error) {
    return core::Err{error.text};
  }
}

}  // namespace eddy::checker
