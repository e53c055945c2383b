// partition_test (core/partition_test.h) as a node runs it inside one step:
// the whole simulated Raft cluster, the ops, the partition and the check.
// Seed 003's example (100 ops on 5 nodes), its sample sessions' sizes, and
// the worst the default limits allow (10,000 ops on 9 nodes) to show how
// far that stays from the seed's 10 s limit. Each case runs seeds 1..8 in
// turn, so a figure is the mean over different runs, not one lucky seed.
#include <cstdint>

#include <benchmark/benchmark.h>

#include "core/partition_test.h"

namespace {

using namespace eddy::core;

void BM_PartitionTest(benchmark::State& state) {
  PartitionTestBody request;
  request.cluster_size = state.range(0);
  request.operations = state.range(1);
  request.partition_after_op = state.range(2);
  request.heal_after_op = state.range(3);
  const Limits limits;
  int64_t seed = 0;
  int64_t ops = 0;
  for (auto _ : state) {
    seed = seed % 8 + 1;
    const Body answer = run_partition_test(request, limits, seed);
    benchmark::DoNotOptimize(answer);
    ops += request.operations;
  }
  state.counters["ops/s"] =
      benchmark::Counter(static_cast<double>(ops), benchmark::Counter::kIsRate);
}
// {cluster_size, operations, partition_after_op, heal_after_op}
BENCHMARK(BM_PartitionTest)
    ->Args({5, 10, 2, 8})
    ->Args({5, 20, 5, 15})
    ->Args({5, 100, 30, 70})
    ->Args({3, 100, 30, 70})
    ->Args({9, 100, 30, 70})
    ->Args({5, 1'000, 300, 700})
    ->Args({9, 10'000, 100, 9'900})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
