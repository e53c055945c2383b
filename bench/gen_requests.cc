// eddy-bench-gen: writes a kafka request stream for eddy-node's throughput
// benchmark: an init, then N lines alternating send and poll over K keys. A
// poll names --poll-keys keys, each from an offset up to --poll-lag behind the
// key's end, as a consumer that keeps up would. Deterministic for a seed.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/json_codec.h"
#include "core/random.h"

int main(int argc, char** argv) {
  using namespace eddy::core;
  CLI::App app{"eddy-bench-gen: generate a send/poll request stream for eddy-node"};
  int64_t lines = 1'000'000;
  int keys = 100;
  int poll_keys = 2;
  int poll_lag = 8;
  uint64_t seed = 1;
  app.add_option("--lines", lines, "requests after the init line")->capture_default_str();
  app.add_option("--keys", keys, "distinct log keys")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  app.add_option("--poll-keys", poll_keys, "keys named by each poll")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  app.add_option("--poll-lag", poll_lag, "a poll starts up to this many offsets before a key's end")
      ->capture_default_str()
      ->check(CLI::Range(0, 1 << 20));
  app.add_option("--seed", seed, "seed of the key and lag choices")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  Rng rng(seed);
  std::vector<int64_t> sent(static_cast<size_t>(keys), 0);
  std::string out;
  encode_line(Message{"c0", "n0", 1, std::nullopt, InitBody{"n0", {"n0"}}}, out);
  for (int64_t i = 0; i < lines; ++i) {
    const int64_t msg_id = i + 2;
    if (i % 2 == 0) {
      const auto key = rng.below(static_cast<uint64_t>(keys));
      encode_line(Message{"c1", "n0", msg_id, std::nullopt,
                          SendBody{"k" + std::to_string(key), Value(++sent[key])}},
                  out);
    } else {
      KeyOffsets offsets;
      for (int k = 0; k < poll_keys; ++k) {
        const auto key = rng.below(static_cast<uint64_t>(keys));
        const int64_t from = std::max<int64_t>(0, sent[key] - rng.between(0, poll_lag));
        offsets.emplace_back("k" + std::to_string(key), from);
      }
      std::sort(offsets.begin(), offsets.end());
      offsets.erase(std::unique(offsets.begin(), offsets.end(),
                                [](const auto& a, const auto& b) { return a.first == b.first; }),
                    offsets.end());
      encode_line(Message{"c2", "n0", msg_id, std::nullopt, PollBody{offsets}}, out);
    }
    if (out.size() > (1 << 20)) {
      std::cout.write(out.data(), static_cast<std::streamsize>(out.size()));
      out.clear();
    }
  }
  std::cout.write(out.data(), static_cast<std::streamsize>(out.size()));
  return std::cout.good() ? 0 : 1;
}
