// The linearizability search (checker/linearizability) on:
//  - the Jepsen etcd corpus (../shared/corpus/jepsen-etcd, 52 histories):
//    parsing and checking all 52, verdicts compared with verdicts.txt, once
//    per semantics (Maelstrom's default and Porcupine's reading);
//  - synthetic lin-kv histories shaped like Maelstrom's workload
//    (jepsen.tests.linearizable-register): values 0..4, half the clients
//    read, the others write (1/3) or cas (2/3), 10% of ops end :info and take
//    effect or not; each op's instant falls at a random point of its
//    interval, so every history is linearizable. Arguments: total ops, keys,
//    clients, percent :info. The target is under 1 s for 10,000 ops over 5
//    keys and 10 clients in a release build;
//  - the same synthetic histories with the last ok read of key 0 corrupted,
//    which the search must refute exhaustively.
// Run by hand: build/lin/bench/eddy_linearizability_bench.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "checker/linearizability/history_check.h"
#include "checker/linearizability/jepsen_log.h"

namespace {

using namespace eddy::lin;

const SearchLimits kLimits{100'000'000, {}};

// The corpus's file names and expected verdicts, from verdicts.txt.
struct CorpusFile {
  std::filesystem::path path;
  bool linearizable = false;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::vector<CorpusFile>& corpus() {
  static const std::vector<CorpusFile> files = [] {
    const std::filesystem::path dir = std::filesystem::path(EDDY_CORPUS_DIR) / "jepsen-etcd";
    std::vector<CorpusFile> listed;
    std::istringstream verdicts(read_file(dir / "verdicts.txt"));
    std::string name;
    std::string verdict;
    while (verdicts >> name >> verdict)
      listed.push_back(CorpusFile{dir / ("etcd_" + name + ".log"), verdict == "linearizable"});
    return listed;
  }();
  return files;
}

// Reads, parses and checks all 52 logs per iteration, as a one-shot run
// would. Arg 0: Maelstrom's default semantics; 1: failed cas observed
// (Porcupine's reading).
void BM_EtcdCorpus(benchmark::State& state) {
  const auto& files = corpus();
  if (files.size() != 52) state.SkipWithError("the etcd corpus is missing or incomplete");
  const Semantics semantics{false, state.range(0) == 1};
  int64_t states = 0;
  for (auto _ : state) {
    states = 0;
    for (const CorpusFile& file : files) {
      const auto events = parse_jepsen_log(read_file(file.path));
      if (!events.ok()) {
        state.SkipWithError(events.error().message.c_str());
        break;
      }
      const auto result = check_history(events.value(), kLimits, semantics);
      const Verdict expected =
          file.linearizable ? Verdict::kLinearizable : Verdict::kNotLinearizable;
      if (!result.ok() || result.value().verdict != expected) {
        state.SkipWithError("a verdict differs from verdicts.txt");
        break;
      }
      states += result.value().states_explored;
    }
  }
  state.counters["histories"] = static_cast<double>(files.size());
  state.counters["states"] = static_cast<double>(states);
}
BENCHMARK(BM_EtcdCorpus)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// splitmix64: the bench's own generator, so a seed means the same history
// with any standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int32_t below(int32_t n) { return static_cast<int32_t>(next() % static_cast<uint64_t>(n)); }

 private:
  uint64_t state_;
};

struct SyntheticOptions {
  int64_t ops = 10'000;
  int32_t keys = 5;
  int32_t clients = 10;
  int32_t info_percent = 10;
  uint64_t seed = 1;
};

// A Maelstrom-like lin-kv history. Each client's op goes invoke -> instant
// -> completion, one phase per turn of a randomly chosen client, so up to
// `clients` ops overlap; the op acts on the register at its instant (an info
// op half the time, never otherwise).
std::vector<HistoryEvent> make_synthetic(const SyntheticOptions& options) {
  struct Client {
    int64_t process = 0;
    int32_t phase = 0;  // 0 idle, 1 invoked, 2 past its instant
    HistoryEvent invoke;
    bool info = false;
    bool ok = true;
    ValueId read = kNil;
  };
  Rng rng(options.seed);
  std::vector<ValueId> registers(static_cast<size_t>(options.keys), kNil);
  std::vector<Client> clients(static_cast<size_t>(options.clients));
  for (int32_t c = 0; c < options.clients; ++c) clients[static_cast<size_t>(c)].process = c;
  std::vector<HistoryEvent> events;
  int64_t invoked = 0;
  int32_t busy = 0;
  while (invoked < options.ops || busy > 0) {
    const int32_t c = rng.below(options.clients);
    Client& client = clients[static_cast<size_t>(c)];
    if (client.phase == 0) {
      if (invoked == options.ops) continue;
      HistoryEvent& op = client.invoke;
      op = HistoryEvent{
          client.process, EventType::kInvoke, RegisterF::kRead, rng.below(options.keys), kNil, kNil,
          false};
      if (c >= options.clients / 2) {  // the writers
        const bool write = rng.below(3) == 0;
        op.f = write ? RegisterF::kWrite : RegisterF::kCas;
        op.arg1 = rng.below(5);
        op.arg2 = write ? kNil : rng.below(5);
        op.has_arg1 = true;
      }
      client.info = rng.below(100) < options.info_percent;
      events.push_back(op);
      client.phase = 1;
      ++invoked;
      ++busy;
    } else if (client.phase == 1) {
      const HistoryEvent& op = client.invoke;
      ValueId& reg = registers[static_cast<size_t>(op.key)];
      const bool takes_effect = !client.info || rng.below(2) == 0;
      client.ok = true;
      if (op.f == RegisterF::kRead) {
        client.read = reg;
      } else if (takes_effect && op.f == RegisterF::kWrite) {
        reg = op.arg1;
      } else if (takes_effect && op.f == RegisterF::kCas) {
        client.ok = reg == op.arg1;  // Maelstrom: error 22 (or 20 on nil) -> :fail
        if (client.ok) reg = op.arg2;
      }
      client.phase = 2;
    } else {
      HistoryEvent done = client.invoke;
      done.type = client.info ? EventType::kInfo : client.ok ? EventType::kOk : EventType::kFail;
      if (done.f == RegisterF::kRead) {
        done.arg1 = client.read;
        done.has_arg1 = !client.info;
      }
      events.push_back(done);
      // Jepsen retires a process after :info and gives the client a new one.
      if (client.info) client.process += options.clients;
      client.phase = 0;
      --busy;
    }
  }
  return events;
}

// Changes the last ok read of key 0 to a value nobody wrote; returns the
// position of that read's invocation (the failing op's id), or -1.
int64_t corrupt_last_read(std::vector<HistoryEvent>& events) {
  for (size_t i = events.size(); i-- > 0;) {
    HistoryEvent& done = events[i];
    if (done.key != 0 || done.type != EventType::kOk || done.f != RegisterF::kRead) continue;
    done.arg1 = 99;
    for (size_t j = i; j-- > 0;) {
      if (events[j].process == done.process && events[j].type == EventType::kInvoke)
        return static_cast<int64_t>(j);
    }
  }
  return -1;
}

// Arguments: total ops, keys, clients, percent of ops ending :info. For a
// corrupted history, also checks that the window is the corrupted read.
void run_synthetic(benchmark::State& state, bool corrupt) {
  SyntheticOptions options;
  options.ops = state.range(0);
  options.keys = static_cast<int32_t>(state.range(1));
  options.clients = static_cast<int32_t>(state.range(2));
  options.info_percent = static_cast<int32_t>(state.range(3));
  std::vector<HistoryEvent> events = make_synthetic(options);
  const int64_t corrupted = corrupt ? corrupt_last_read(events) : -1;
  const Verdict expected = corrupt ? Verdict::kNotLinearizable : Verdict::kLinearizable;
  int64_t states = 0;
  for (auto _ : state) {
    const auto result = check_history(events, kLimits);
    if (!result.ok() || result.value().verdict != expected) {
      state.SkipWithError("unexpected verdict");
      break;
    }
    const auto& failure = result.value().keys.front().result.failure;
    if (corrupt && (!failure || failure->op_id != corrupted || !failure->window_exact)) {
      state.SkipWithError("the failure window is not the corrupted read");
      break;
    }
    states = result.value().states_explored;
  }
  state.counters["ops_per_key"] = static_cast<double>(options.ops / options.keys);
  state.counters["states"] = static_cast<double>(states);
}

void BM_Synthetic(benchmark::State& state) { run_synthetic(state, false); }
BENCHMARK(BM_Synthetic)
    ->Args({10'000, 5, 10, 10})  // the target
    // Ops per key: one key, 10 clients.
    ->Args({1'000, 1, 10, 10})
    ->Args({2'000, 1, 10, 10})
    ->Args({5'000, 1, 10, 10})
    ->Args({10'000, 1, 10, 10})
    ->Args({20'000, 1, 10, 10})
    // Concurrency: one key, 2,000 ops.
    ->Args({2'000, 1, 2, 10})
    ->Args({2'000, 1, 5, 10})
    ->Args({2'000, 1, 20, 10})
    ->Args({2'000, 1, 40, 10})
    // Unknown outcomes: one key, 2,000 ops, 10 clients.
    ->Args({2'000, 1, 10, 30})
    ->Args({2'000, 1, 10, 50})
    ->Unit(benchmark::kMillisecond);

void BM_SyntheticCorrupted(benchmark::State& state) { run_synthetic(state, true); }
BENCHMARK(BM_SyntheticCorrupted)
    ->Args({10'000, 5, 10, 10})
    ->Args({1'000, 1, 10, 10})
    ->Args({2'000, 1, 10, 10})
    ->Args({5'000, 1, 10, 10})
    ->Args({2'000, 1, 20, 10})
    ->Args({2'000, 1, 40, 10})
    ->Args({2'000, 1, 10, 30})
    ->Args({2'000, 1, 10, 50})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
