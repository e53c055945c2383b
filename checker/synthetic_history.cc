#include "checker/synthetic_history.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/random.h"

namespace eddy::checker {
namespace {

constexpr std::string_view kInfoError = "indeterminate: timeout";

struct KeyLog {
  std::string name;
  std::vector<int64_t> offsets;  // ascending
  std::vector<int64_t> values;
  int64_t next_value = 1;
};

struct Worker {
  int64_t process = 0;
  // Assigned key name -> next offset to request. Sorted by name, the order in
  // which read_history gives back a poll's keys.
  std::map<std::string, int64_t> assigned;
  bool busy = false;
  Op pending;  // the invocation in flight
};

size_t key_index(std::string_view name) {
  size_t index = 0;
  std::from_chars(name.data(), name.data() + name.size(), index);
  return index;
}

class Generator {
 public:
  explicit Generator(const SyntheticOptions& options) : options_(options), rng_(options.seed) {
    workers_.resize(static_cast<size_t>(options.threads));
    for (size_t t = 0; t < workers_.size(); ++t) workers_[t].process = static_cast<int64_t>(t);
    for (int k = 0; k < options.active_keys; ++k) active_.push_back(new_key());
  }

  History run() && {
    int64_t completed = 0;
    while (completed < options_.completed_ops) {
      maybe_nemesis();
      Worker& worker = workers_[rng_.below(workers_.size())];
      if (worker.busy) {
        complete(worker);
        ++completed;
      } else if (invoke(worker)) {
        ++completed;
      }
    }
    for (Worker& worker : workers_) {
      if (worker.busy) complete(worker);
    }
    final_phase();
    return std::move(history_);
  }

 private:
  void emit(Op op) {
    time_us_ += rng_.between(1, 300);
    op.index = static_cast<int64_t>(history_.size());
    op.time_us = time_us_;
    history_.push_back(std::move(op));
  }

  size_t new_key() {
    logs_.push_back(KeyLog{std::to_string(logs_.size()), {}, {}, 1});
    return logs_.size() - 1;
  }

  void maybe_nemesis() {
    if (static_cast<int64_t>(history_.size()) < next_nemesis_) return;
    next_nemesis_ += options_.nemesis_every;
    Op op;
    op.process = kNemesisProcess;
    op.f = OpF::kNemesis;
    op.type = OpType::kInfo;
    op.nemesis = partitioned_ ? "stop-partition" : "start-partition majority [n0 n1] | [n2]";
    partitioned_ = !partitioned_;
    emit(op);
    emit(op);
  }

  // A send's key: a random active slot, given a fresh key once its key has had
  // all its messages.
  size_t write_key() {
    const size_t slot = rng_.below(active_.size());
    if (logs_[active_[slot]].next_value > options_.sends_per_key) active_[slot] = new_key();
    return active_[slot];
  }

  std::vector<std::string> assign_keys() {
    std::vector<std::string> keys{logs_[active_[rng_.below(active_.size())]].name};
    if (rng_.chance(1.0 / 3)) {  // poll-unseen adds lagging keys a third of the time
      for (int extra = 0; extra < 3; ++extra) {
        const std::string& name = logs_[active_[rng_.below(active_.size())]].name;
        if (std::find(keys.begin(), keys.end(), name) == keys.end()) keys.push_back(name);
      }
    }
    return keys;
  }

  // Returns true when the op also completed (a crash).
  bool invoke(Worker& worker) {
    const double draw = rng_.unit();
    if (draw < options_.crash_p) {
      crash(worker);
      return true;
    }
    Op op;
    op.process = worker.process;
    op.type = OpType::kInvoke;
    if (draw < options_.crash_p + options_.assign_p) {
      op.f = OpF::kAssign;
      op.keys = assign_keys();
    } else if (rng_.chance(0.5)) {
      KeyLog& log = logs_[write_key()];
      op.f = OpF::kSend;
      op.key = log.name;
      op.value = log.next_value++;
    } else {
      op.f = OpF::kPoll;
    }
    worker.pending = op;
    worker.busy = true;
    emit(std::move(op));
    return false;
  }

  void complete(Worker& worker) {
    Op op = std::move(worker.pending);
    worker.busy = false;
    const bool info = rng_.chance(options_.info_p);
    op.type = info ? OpType::kInfo : OpType::kOk;
    if (info) op.error = kInfoError;
    if (op.f == OpF::kSend) {
      // An info send reached the log half of the time.
      if (!info || rng_.chance(0.5)) {
        const int64_t offset = append(logs_[key_index(op.key)], op.value);
        if (!info) op.offset = offset;
      }
    } else if (op.f == OpF::kPoll && !info) {
      op.polled = poll(worker);
    } else if (op.f == OpF::kAssign && !info) {
      reassign(worker, op.keys);
    }
    emit(std::move(op));
    if (info) end_process(worker);
  }

  int64_t append(KeyLog& log, int64_t value) {
    log.offsets.push_back(next_offset_);
    log.values.push_back(value);
    return next_offset_++;
  }

  // The node's reply: for each assigned key with messages, the next records
  // from the worker's offset ([] once caught up). A key with no message yet is
  // left out: answering [] for a key that no poll ever reads a message of
  // makes Jepsen's checker throw (see kafka_checker.cc, lost-write).
  std::vector<PolledKey> poll(Worker& worker) {
    std::vector<PolledKey> reply;
    for (auto& [name, next_offset] : worker.assigned) {
      const KeyLog& log = logs_[key_index(name)];
      if (log.offsets.empty()) continue;
      const auto from = static_cast<size_t>(
          std::lower_bound(log.offsets.begin(), log.offsets.end(), next_offset) -
          log.offsets.begin());
      const size_t to =
          std::min(log.offsets.size(), from + static_cast<size_t>(options_.poll_records_max));
      PolledKey polled{name, {}};
      for (size_t r = from; r < to; ++r) polled.records.push_back({log.offsets[r], log.values[r]});
      if (to > from) next_offset = log.offsets[to - 1] + 1;
      reply.push_back(std::move(polled));
    }
    return reply;
  }

  // Maelstrom's client: kept keys keep their offsets, new keys start at 0.
  static void reassign(Worker& worker, const std::vector<std::string>& keys) {
    std::map<std::string, int64_t> assigned;
    for (const std::string& key : keys) {
      const auto it = worker.assigned.find(key);
      assigned[key] = it == worker.assigned.end() ? 0 : it->second;
    }
    worker.assigned = std::move(assigned);
  }

  void end_process(Worker& worker) {
    worker.process += static_cast<int64_t>(workers_.size());
    worker.assigned.clear();
  }

  void crash(Worker& worker) {
    Op op;
    op.process = worker.process;
    op.f = OpF::kCrash;
    op.type = OpType::kInvoke;
    emit(op);
    op.type = OpType::kInfo;
    emit(op);
    end_process(worker);
  }

  bool caught_up(const Worker& worker) const {
    for (const auto& [name, next_offset] : worker.assigned) {
      if (next_offset <= logs_[key_index(name)].offsets.back()) return false;
    }
    return true;
  }

  void final_phase() {
    std::vector<std::string> keys;
    for (const KeyLog& log : logs_) {
      if (!log.offsets.empty()) keys.push_back(log.name);
    }
    std::sort(keys.begin(), keys.end());
    for (Worker& worker : workers_) {
      crash(worker);
      Op op;
      op.process = worker.process;
      op.f = OpF::kAssign;
      op.type = OpType::kInvoke;
      op.keys = keys;
      op.seek_to_beginning = true;
      emit(op);
      op.type = OpType::kOk;
      emit(std::move(op));
      reassign(worker, keys);
    }
    std::vector<Worker*> polling;
    for (Worker& worker : workers_) polling.push_back(&worker);
    while (!polling.empty()) {
      for (Worker* worker : polling) {
        Op op;
        op.process = worker->process;
        op.f = OpF::kPoll;
        op.type = OpType::kInvoke;
        emit(std::move(op));
      }
      for (Worker* worker : polling) {
        Op op;
        op.process = worker->process;
        op.f = OpF::kPoll;
        op.type = OpType::kOk;
        op.polled = poll(*worker);
        emit(std::move(op));
      }
      std::erase_if(polling, [&](const Worker* worker) { return caught_up(*worker); });
    }
  }

  const SyntheticOptions& options_;
  core::Rng rng_;
  History history_;
  std::vector<KeyLog> logs_;  // by key index; the key's name is its index
  std::vector<size_t> active_;
  std::vector<Worker> workers_;
  int64_t time_us_ = 0;
  int64_t next_offset_ = 0;
  int64_t next_nemesis_ = 0;
  bool partitioned_ = false;
};

}  // namespace

History make_synthetic_history(const SyntheticOptions& options) { return Generator(options).run(); }

}  // namespace eddy::checker
