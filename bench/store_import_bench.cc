// Reading Maelstrom's store: read_maelstrom_kafka_history on a synthetic
// history written as Jepsen's history.edn (tests/store/jepsen_edn_writer.h),
// next to read_history on the same history as Eddy's JSON lines, in one run
// so that the two compare as a ratio. 500k completed ops is about 130 MB of
// EDN.
#include <map>
#include <sstream>
#include <string>

#include <benchmark/benchmark.h>

#include "checker/history_io.h"
#include "checker/maelstrom_store.h"
#include "checker/synthetic_history.h"
#include "tests/store/jepsen_edn_writer.h"

namespace {

using namespace eddy::checker;

struct Texts {
  std::string edn;
  std::string jsonl;
};

// Built once per size: generating the history takes seconds.
const Texts& texts_of(int64_t completed_ops) {
  static std::map<int64_t, Texts> texts;
  auto it = texts.find(completed_ops);
  if (it == texts.end()) {
    SyntheticOptions options;
    options.seed = 42;
    options.completed_ops = completed_ops;
    const History history = make_synthetic_history(options);
    std::ostringstream jsonl;
    write_history(history, jsonl);
    it = texts.emplace(completed_ops, Texts{testing::to_jepsen_edn(history), jsonl.str()}).first;
  }
  return it->second;
}

void BM_ReadMaelstromHistoryEdn(benchmark::State& state) {
  const std::string& edn = texts_of(state.range(0)).edn;
  for (auto _ : state) {
    std::istringstream in(edn);
    const auto history = read_maelstrom_kafka_history(in);
    if (!history.ok()) state.SkipWithError(history.error().c_str());
    benchmark::DoNotOptimize(history);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(edn.size()));
}
BENCHMARK(BM_ReadMaelstromHistoryEdn)->Arg(100'000)->Arg(500'000)->Unit(benchmark::kMillisecond);

void BM_ReadEddyHistoryJsonl(benchmark::State& state) {
  const std::string& jsonl = texts_of(state.range(0)).jsonl;
  for (auto _ : state) {
    std::istringstream in(jsonl);
    const auto history = read_history(in);
    if (!history.ok()) state.SkipWithError(history.error().c_str());
    benchmark::DoNotOptimize(history);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(jsonl.size()));
}
BENCHMARK(BM_ReadEddyHistoryJsonl)->Arg(100'000)->Arg(500'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
