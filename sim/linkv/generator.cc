#include "sim/linkv/generator.h"

#include <algorithm>
#include <cassert>

namespace eddy::sim::linkv {
namespace {

constexpr uint64_t kValues = 5;  // jepsen linearizable_register.clj: (rand-int 5)

}  // namespace

LinKvGenerator::LinKvGenerator(int node_count, int concurrency, int process_limit, core::Rng rng)
    : node_count_(node_count),
      group_size_(static_cast<size_t>(2 * node_count)),
      // A limit below the group's own thread count would give up every key at
      // once (jepsen would spin through keys forever); the group's size is the
      // least that lets a key start.
      process_limit_(std::max(static_cast<size_t>(process_limit), group_size_)),
      rng_(rng) {
  assert(node_count > 0 && concurrency > 0 && concurrency % (2 * node_count) == 0);
  // independent/concurrent-generator: the groups take keys 0, 1, ... in order.
  groups_.resize(static_cast<size_t>(concurrency) / group_size_);
  for (Group& group : groups_) group.key = next_key_++;
}

void LinKvGenerator::account_processes(size_t group, const std::vector<int64_t>& processes) {
  Group& g = groups_[group];
  const size_t first = group * group_size_;
  for (size_t t = first; t < first + group_size_; ++t) g.processes.insert(processes[t]);
  if (g.processes.size() <= process_limit_) return;
  // The key's generator is exhausted: the group moves on to a fresh key and
  // a fresh process-limit, which starts from the processes it has now.
  g.key = next_key_++;
  g.processes.clear();
  for (size_t t = first; t < first + group_size_; ++t) g.processes.insert(processes[t]);
}

std::optional<int> LinKvGenerator::free_thread_in(int first, int end, const std::vector<bool>& free,
                                                  size_t rotation) const {
  // The first free thread of [first, end) at or after `rotation`, going round
  // all the threads once.
  const size_t threads = free.size();
  for (size_t i = 0; i < threads; ++i) {
    const auto t = static_cast<int>((rotation + i) % threads);
    if (t >= first && t < end && free[static_cast<size_t>(t)]) return t;
  }
  return std::nullopt;
}

LinKvRequest LinKvGenerator::draw_write_or_cas(int64_t key) {
  LinKvRequest request;
  request.key = key;
  // gen/mix [w cas cas]: each op picks one of the three uniformly.
  if (rng_.below(3) == 0) {
    request.f = checker::LinKvF::kWrite;
    request.value = static_cast<int64_t>(rng_.below(kValues));
  } else {
    request.f = checker::LinKvF::kCas;
    request.from = static_cast<int64_t>(rng_.below(kValues));
    request.to = static_cast<int64_t>(rng_.below(kValues));
  }
  return request;
}

std::optional<LinKvGenerator::Pick> LinKvGenerator::next(const std::vector<bool>& free,
                                                         const std::vector<int64_t>& processes,
                                                         size_t rotation) {
  // Groups with a free thread, each asked for an op (which is when jepsen's
  // process-limit looks at the group's processes).
  std::vector<size_t> candidates;
  for (size_t g = 0; g < groups_.size(); ++g) {
    const size_t first = g * group_size_;
    const bool any_free = std::any_of(
        free.begin() + static_cast<std::ptrdiff_t>(first),
        free.begin() + static_cast<std::ptrdiff_t>(first + group_size_), [](bool b) { return b; });
    if (!any_free) continue;
    account_processes(g, processes);
    candidates.push_back(g);
  }
  if (candidates.empty()) return std::nullopt;
  const size_t group = candidates[rng_.below(candidates.size())];
  const int first = static_cast<int>(group * group_size_);
  const int end = first + static_cast<int>(group_size_);
  // gen/reserve's reading range is threads [0, n) whatever the group.
  const int readers_end = std::clamp(node_count_, first, end);
  const std::optional<int> reader = free_thread_in(first, readers_end, free, rotation);
  const std::optional<int> writer = free_thread_in(readers_end, end, free, rotation);
  const bool read = reader && (!writer || rng_.below(2) == 0);
  const int64_t key = groups_[group].key;
  if (read) return Pick{*reader, LinKvRequest{checker::LinKvF::kRead, key, 0, 0, 0}};
  return Pick{*writer, draw_write_or_cas(key)};
}

}  // namespace eddy::sim::linkv
