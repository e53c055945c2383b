// The codec's hot paths, in isolation from I/O: decoding a send and a poll
// line, and encoding a poll_ok with 8 records. Explains where eddy-node's
// per-request time goes (see bench/node_pipe_bench.sh for the whole binary).
//
// Decoding is measured three ways, to choose the fast path's parser by
// figures (core/fast_decode.h): decode_line (simdjson On-Demand fast path),
// the DOM path it replaces (nlohmann), and nlohmann's SAX parser driving a
// handler that does nothing at all, a floor for any SAX decoder.
#include <string>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "core/json_codec.h"

namespace {

using namespace eddy::core;

const std::string kSendLine =
    R"({"id":41,"src":"c1","dest":"n0","body":{"type":"send","key":"k17","msg":1234,"msg_id":99}})";
const std::string kPollLine =
    R"({"id":42,"src":"c1","dest":"n0","body":{"type":"poll","offsets":{"k17":120,"k3":98},"msg_id":100}})";

void BM_DecodeSend(benchmark::State& state) {
  const Limits limits;
  for (auto _ : state) benchmark::DoNotOptimize(decode_line(kSendLine, limits));
}
BENCHMARK(BM_DecodeSend);

void BM_DecodePoll(benchmark::State& state) {
  const Limits limits;
  for (auto _ : state) benchmark::DoNotOptimize(decode_line(kPollLine, limits));
}
BENCHMARK(BM_DecodePoll);

void BM_DecodeSendViaDom(benchmark::State& state) {
  const Limits limits;
  for (auto _ : state) benchmark::DoNotOptimize(decode_line_via_dom(kSendLine, limits));
}
BENCHMARK(BM_DecodeSendViaDom);

void BM_DecodePollViaDom(benchmark::State& state) {
  const Limits limits;
  for (auto _ : state) benchmark::DoNotOptimize(decode_line_via_dom(kPollLine, limits));
}
BENCHMARK(BM_DecodePollViaDom);

// Accepts every event and keeps nothing: what nlohmann's SAX parser costs
// before a decoder does any work of its own.
struct NoopSax : nlohmann::json_sax<nlohmann::json> {
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }
};

void BM_NlohmannSaxNoopSend(benchmark::State& state) {
  NoopSax sax;
  for (auto _ : state) benchmark::DoNotOptimize(nlohmann::json::sax_parse(kSendLine, &sax));
}
BENCHMARK(BM_NlohmannSaxNoopSend);

void BM_NlohmannSaxNoopPoll(benchmark::State& state) {
  NoopSax sax;
  for (auto _ : state) benchmark::DoNotOptimize(nlohmann::json::sax_parse(kPollLine, &sax));
}
BENCHMARK(BM_NlohmannSaxNoopPoll);

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
