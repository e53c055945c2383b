// The codec's hot paths, in isolation from I/O: decoding a send and a poll
// line, and encoding a poll_ok with 8 records. Explains where eddy-node's
// per-request time goes (see bench/node_pipe_bench.sh for the whole binary).
#include <string>

#include <benchmark/benchmark.h>

#include "core/json_codec.h"

namespace {

using namespace eddy::core;

void BM_DecodeSend(benchmark::State& state) {
  const std::string line =
      R"({"id":41,"src":"c1","dest":"n0","body":{"type":"send","key":"k17","msg":1234,"msg_id":99}})";
  const Limits limits;
  for (auto _ : state) benchmark::DoNotOptimize(decode_line(line, limits));
}
BENCHMARK(BM_DecodeSend);

void BM_DecodePoll(benchmark::State& state) {
  const std::string line =
      R"({"id":42,"src":"c1","dest":"n0","body":{"type":"poll","offsets":{"k17":120,"k3":98},"msg_id":100}})";
  const Limits limits;
  for (auto _ : state) benchmark::DoNotOptimize(decode_line(line, limits));
}
BENCHMARK(BM_DecodePoll);

void BM_EncodePollOk(benchmark::State& state) {
  PollOkBody poll_ok;
  for (const char* key : {"k17", "k3"}) {
    std::vector<Record> records;
    for (int64_t i = 0; i < 4; ++i) records.push_back(Record{120 + i, Value(i * 7)});
    poll_ok.msgs.emplace_back(key, std::move(records));
  }
  const Message message{"n0", "c1", 7, 100, poll_ok};
  std::string out;
  for (auto _ : state) {
    out.clear();
    encode_line(message, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_EncodePollOk);

}  // namespace

BENCHMARK_MAIN();
