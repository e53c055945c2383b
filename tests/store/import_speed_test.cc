// How fast a big history.edn imports, next to the JSON-lines reader on the
// same history. Disabled: a measurement, not a check; run it by hand on a
// release build:
//   build/store/tests/eddy_store_tests --gtest_also_run_disabled_tests
//       --gtest_filter='*ImportSpeed*'
// EDDY_IMPORT_SPEED_OPS sets the number of completed ops (default 500000,
// about 100 MB of EDN).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "checker/history_io.h"
#include "checker/maelstrom_store.h"
#include "checker/synthetic_history.h"
#include "jepsen_edn_writer.h"

namespace eddy::checker {
namespace {

template <class F>
double seconds_of(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(ImportSpeed, DISABLED_BigKafkaHistory) {
  SyntheticOptions options;
  options.seed = 42;
  options.completed_ops = 500'000;
  if (const char* ops = std::getenv("EDDY_IMPORT_SPEED_OPS"))
    options.completed_ops = std::atoll(ops);
  const History history = make_synthetic_history(options);
  const std::string edn = testing::to_jepsen_edn(history);
  std::ostringstream jsonl_out;
  write_history(history, jsonl_out);
  const std::string jsonl = jsonl_out.str();

  for (int round = 0; round < 3; ++round) {
    size_t edn_ops = 0;
    const double edn_s = seconds_of([&] {
      std::istringstream in(edn);
      const auto imported = read_maelstrom_kafka_history(in);
      ASSERT_TRUE(imported.ok()) << imported.error();
      edn_ops = imported.value().size();
    });
    size_t jsonl_ops = 0;
    const double jsonl_s = seconds_of([&] {
      std::istringstream in(jsonl);
      const auto read = read_history(in);
      ASSERT_TRUE(read.ok()) << read.error();
      jsonl_ops = read.value().size();
    });
    EXPECT_EQ(edn_ops, jsonl_ops);
    std::printf(
        "history.edn: %.1f MB, %zu ops in %.2f s (%.0f MB/s, %.2f M ops/s) | history.jsonl: "
        "%.1f MB in %.2f s (%.0f MB/s)\n",
        static_cast<double>(edn.size()) / 1e6, edn_ops, edn_s,
        static_cast<double>(edn.size()) / 1e6 / edn_s, static_cast<double>(edn_ops) / 1e6 / edn_s,
        static_cast<double>(jsonl.size()) / 1e6, jsonl_s,
        static_cast<double>(jsonl.size()) / 1e6 / jsonl_s);
  }
}

}  // namespace
}  // namespace eddy::checker
