// Memory per stored message in the single-node log: 1M messages over 100 keys,
// for three kinds of message: integers, JSON strings and JSON objects.
// Three measures, reported as counters:
//  - bytes_per_msg:      what KafkaLog::record_bytes() accounts (runs, chunks,
//                        bitmaps and text arenas, by capacity);
//  - heap_per_msg:       what glibc's allocator actually handed out (mallinfo2),
//                        which also counts the map nodes and allocator overhead;
//  - json_bytes_per_msg: the messages' average JSON size, for comparison.
// Targets (Issue 11): at most 16 heap bytes per integer message, and no more
// than the old log (24-byte slots in vectors, texts in a string) for JSON.
// heap_per_msg, release build, before (slots) and after (runs, chunks, arena):
//   integers           39.7 ->  9.9   (a 4096-word chunk holds 4096 records)
//   strings (16 B)     63.9 -> 29.7   (8 word + 17 text + partly filled blocks)
//   objects (30 B)     88.7 -> 42.8
// Run: build/release/bench/eddy_log_memory_bench
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

// kSparse: integers at every other offset (append_at), the worst case for
// runs: each record is a run of its own, as in a strategy's log before the
// other nodes' records fill its gaps.
enum class Kind { kInteger, kSparse, kString, kObject };

// Bytes handed out by malloc, including chunks it mmapped for large blocks.
size_t heap_in_use() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

// The i-th message. Texts are built piecewise: GCC 12 warns falsely
// (-Wrestrict) on one-line concatenations.
std::string text_of(Kind kind, int64_t i) {
  std::string text;
  if (kind == Kind::kString) {
    text = "\"message-";
    text += std::to_string(i);
    text += '"';
  } else {
    text = "{\"id\":";
    text += std::to_string(i);
    text += ",\"tags\":[\"a\",\"b\"]}";
  }
  return text;
}

// Fills `log` and returns the messages' average JSON size.
double fill(KafkaLog& log, Kind kind) {
  std::vector<std::string> keys;
  for (int k = 0; k < kKeys; ++k) keys.push_back("k" + std::to_string(k));
  size_t json_bytes = 0;
  for (int64_t i = 0; i < kMessages; ++i) {
    const std::string& key = keys[static_cast<size_t>(i % kKeys)];
    if (kind == Kind::kInteger) {
      json_bytes += std::to_string(i).size();
      log.append(key, Value(i));
    } else if (kind == Kind::kSparse) {
      json_bytes += std::to_string(i).size();
      log.append_at(key, log.next_offset(key) + 1, Value(i));
    } else {
      const std::string text = text_of(kind, i);
      json_bytes += text.size();
      log.append(key, Value::from_json_text(text));
    }
  }
  return static_cast<double>(json_bytes) / static_cast<double>(kMessages);
}

void measure(benchmark::State& state, Kind kind) {
  for (auto _ : state) {
    const size_t before = heap_in_use();
    KafkaLog log;
    const double json_bytes = fill(log, kind);
    const size_t heap_bytes = heap_in_use() - before;
    const auto count = static_cast<double>(log.record_count());
    state.counters["bytes_per_msg"] = static_cast<double>(log.record_bytes()) / count;
    state.counters["heap_per_msg"] = static_cast<double>(heap_bytes) / count;
    state.counters["json_bytes_per_msg"] = json_bytes;
  }
}

void BM_LogMemoryIntegers(benchmark::State& state) { measure(state, Kind::kInteger); }
BENCHMARK(BM_LogMemoryIntegers)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_LogMemorySparseIntegers(benchmark::State& state) { measure(state, Kind::kSparse); }
BENCHMARK(BM_LogMemorySparseIntegers)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_LogMemoryStrings(benchmark::State& state) { measure(state, Kind::kString); }
BENCHMARK(BM_LogMemoryStrings)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_LogMemoryObjects(benchmark::State& state) { measure(state, Kind::kObject); }
BENCHMARK(BM_LogMemoryObjects)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
