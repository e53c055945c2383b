#include "sim/check_command.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "checker/history_io.h"
#include "checker/linkv_history_io.h"
#include "checker/maelstrom_store.h"
#include "sim/run_check.h"

namespace eddy::sim {
namespace {

namespace fs = std::filesystem;

// A history as found on disk: Eddy's JSON lines, or Jepsen's EDN.
struct HistorySource {
  fs::path file;
  bool edn = false;
};

// Where the history is: a Maelstrom store folder's history.edn, a run
// folder's history.jsonl, or the file itself (EDN if it ends in .edn).
HistorySource find_history(const std::string& path) {
  if (checker::is_maelstrom_store(path)) {
    return HistorySource{fs::path(path) / checker::kMaelstromHistoryFile, true};
  }
  fs::path file = path;
  if (fs::is_directory(file)) return HistorySource{file / "history.jsonl", false};
  return HistorySource{file, file.extension() == ".edn"};
}

checker::LinKvCheckOptions linkv_options(const CheckArgs& args) {
  checker::LinKvCheckOptions options;
  options.time_budget_s = args.time_budget_s;
  return options;
}

core::Result<RunCheck, std::string> check_history(const CheckArgs& args,
                                                  const HistorySource& source) {
  std::ifstream in(source.file, std::ios::binary);
  if (!in) return core::Err{"cannot read " + source.file.string()};
  const std::string where = source.file.string() + ": ";
  if (args.workload == "lin-kv") {
    auto history =
        source.edn ? checker::read_maelstrom_linkv_history(in) : checker::read_linkv_history(in);
    if (!history) return core::Err{where + history.error()};
    return run_check_of(checker::check_linkv(history.value(), linkv_options(args)));
  }
  auto history = source.edn ? checker::read_maelstrom_kafka_history(in) : checker::read_history(in);
  if (!history) return core::Err{where + history.error()};
  return run_check_of(checker::check_kafka(history.value()));
}

}  // namespace

int exit_status(checker::Validity validity) {
  switch (validity) {
    case checker::Validity::kValid:
      return kExitValid;
    case checker::Validity::kInvalid:
      return kExitInvalid;
    case checker::Validity::kUnknown:
      return kExitUnknown;
  }
  return kExitUnknown;
}

int run_check_command(const CheckArgs& args) {
  const auto check = check_history(args, find_history(args.path));
  if (!check) {
    std::cerr << "eddy-sim: " << check.error() << "\n";
    return kExitUnknown;
  }
  std::cout << check.value().report;
  return exit_status(args.workload_only ? check.value().workload_validity : check.value().validity);
}

}  // namespace eddy::sim
