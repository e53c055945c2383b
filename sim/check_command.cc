#include "sim/check_command.h"

#include <filesystem>
#include <fstream>
#include <iostream>

#include "checker/history_io.h"
#include "checker/linkv_history_io.h"
#include "sim/run_check.h"

namespace eddy::sim {
namespace {

constexpr int kExitValid = 0;
constexpr int kExitInvalid = 1;
constexpr int kExitUnknown = 2;

int exit_code_for(checker::Validity validity) {
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

// Where the history is: the file itself, or a folder's history.jsonl.
std::filesystem::path history_file(const std::string& path) {
  std::filesystem::path file = path;
  if (std::filesystem::is_directory(file)) file /= "history.jsonl";
  return file;
}

core::Result<RunCheck, std::string> check_file(const CheckArgs& args,
                                               const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return core::Err{"cannot read " + file.string()};
  if (args.workload == "lin-kv") {
    auto history = checker::read_linkv_history(in);
    if (!history) return core::Err{file.string() + ": " + history.error()};
    checker::LinKvCheckOptions options;
    options.time_budget_s = args.time_budget_s;
    return run_check_of(checker::check_linkv(history.value(), options));
  }
  auto history = checker::read_history(in);
  if (!history) return core::Err{file.string() + ": " + history.error()};
  return run_check_of(checker::check_kafka(history.value()));
}

}  // namespace

int run_check_command(const CheckArgs& args) {
  const auto check = check_file(args, history_file(args.path));
  if (!check) {
    std::cerr << "eddy-sim: " << check.error() << "\n";
    return kExitUnknown;
  }
  std::cout << check.value().report;
  return exit_code_for(args.workload_only ? check.value().workload_validity
                                          : check.value().validity);
}

}  // namespace eddy::sim
