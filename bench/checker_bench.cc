// The checker on a whole run: check_kafka and read_history on a synthetic
// valid history (checker/synthetic_history.h) of 1M completed client ops,
// i.e. about 2M history entries, plus 100k for comparison. The target is
// under 5 s for check_kafka on 1M ops in a release build.
#include <map>
#include <sstream>
#include <string>

#include <benchmark/benchmark.h>

#include "checker/history_io.h"
#include "checker/kafka_checker.h"
#include "checker/synthetic_history.h"

namespace {

using namespace eddy::checker;

// One history per size, built once: generating 1M ops takes a few seconds.
const History& history_of(int64_t completed_ops) {
  static std::map<int64_t, History> histories;
  auto it = histories.find(completed_ops);
  if (it == histories.end()) {
    SyntheticOptions options;
    options.seed = 42;
    options.completed_ops = completed_ops;
    it = histories.emplace(completed_ops, make_synthetic_history(options)).first;
  }
  return it->second;
}

const std::string& text_of(int64_t completed_ops) {
  static std::map<int64_t, std::string> texts;
  auto it = texts.find(completed_ops);
  if (it == texts.end()) {
    std::ostringstream out;
    write_history(history_of(completed_ops), out);
    it = texts.emplace(completed_ops, out.str()).first;
  }
  return it->second;
}

int64_t polled_records(const History& history) {
  int64_t records = 0;
  for (const Op& op : history) {
    for (const PolledKey& polled : op.polled)
      records += static_cast<int64_t>(polled.records.size());
  }
  return records;
}

void BM_CheckKafka(benchmark::State& state) {
  const History& history = history_of(state.range(0));
  Validity validity = Validity::kInvalid;
  for (auto _ : state) {
    const CheckResult result = check_kafka(history);
    validity = result.validity;
    benchmark::DoNotOptimize(result.anomalies.size());
  }
  if (validity != Validity::kValid) state.SkipWithError("the synthetic history is not valid");
  state.counters["entries"] = static_cast<double>(history.size());
  state.counters["records"] = static_cast<double>(polled_records(history));
  state.counters["ops_per_s"] = benchmark::Counter(
      static_cast<double>(state.range(0)) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CheckKafka)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

void BM_ReadHistory(benchmark::State& state) {
  const std::string& text = text_of(state.range(0));
  for (auto _ : state) {
    std::istringstream in(text);
    const auto history = read_history(in);
    if (!history.ok()) state.SkipWithError(history.error().c_str());
    benchmark::DoNotOptimize(history.ok());
  }
  state.counters["bytes"] = static_cast<double>(text.size());
  state.SetBytesProcessed(static_cast<int64_t>(text.size()) * state.iterations());
}
BENCHMARK(BM_ReadHistory)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2);

void BM_WriteHistory(benchmark::State& state) {
  const History& history = history_of(state.range(0));
  for (auto _ : state) {
    std::ostringstream out;
    write_history(history, out);
    benchmark::DoNotOptimize(out.tellp());
  }
}
BENCHMARK(BM_WriteHistory)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
