// Memory per stored message in the single-node log: 1M messages over 100 keys.
// Two measures, reported as counters:
//  - bytes_per_msg:  what KafkaLog::record_bytes() accounts (slot vectors
//                    and text arenas, by capacity);
//  - heap_per_msg:   what glibc's allocator actually handed out (mallinfo2),
//                    which also counts the map nodes and allocator overhead.
// The target is at most 64 bytes per integer message; other values should
// cost about their JSON size (json_bytes_per_msg is given for comparison).
#include <malloc.h>

#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "core/kafka/log.h"

namespace {

using eddy::core::Value;
using eddy::core::kafka::KafkaLog;

constexpr int64_t kMessages = 1'000'000;
constexpr int kKeys = 100;

// Bytes handed out by malloc, including chunks it mmapped for large vectors.
size_t heap_in_use() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

void fill(KafkaLog& log, bool integers) {
  std::vector<std::string> keys;
  for (int k = 0; k < kKeys; ++k) keys.push_back("k" + std::to_string(k));
  for (int64_t i = 0; i < kMessages; ++i) {
    const std::string& key = keys[static_cast<size_t>(i % kKeys)];
    if (integers) {
      log.append(key, Value(i));
    } else {
      // Built piecewise: GCC 12 warns falsely (-Wrestrict) on the one-line concatenation.
      std::string text = "\"message-";
      text += std::to_string(i);
      text += '"';
      log.append(key, Value::from_json_text(text));
    }
  }
}

void report(benchmark::State& state, const KafkaLog& log, size_t heap_bytes, double json_bytes) {
  const auto count = static_cast<double>(log.record_count());
  state.counters["bytes_per_msg"] = static_cast<double>(log.record_bytes()) / count;
  state.counters["heap_per_msg"] = static_cast<double>(heap_bytes) / count;
  state.counters["json_bytes_per_msg"] = json_bytes;
}

void BM_LogMemoryIntegers(benchmark::State& state) {
  for (auto _ : state) {
    const size_t before = heap_in_use();
    KafkaLog log;
    fill(log, true);
    report(state, log, heap_in_use() - before, 6.9);  // "123456" averages ~5.9 digits + comma
  }
}
BENCHMARK(BM_LogMemoryIntegers)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_LogMemoryStrings(benchmark::State& state) {
  for (auto _ : state) {
    const size_t before = heap_in_use();
    KafkaLog log;
    fill(log, false);
    // "message-123456" with quotes: 16 bytes for most of the million.
    report(state, log, heap_in_use() - before, 16.0);
  }
}
BENCHMARK(BM_LogMemoryStrings)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
