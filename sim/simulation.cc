#include "sim/simulation.h"

#include <poll.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <map>
#include <utility>

#include "core/kv/raft_kv.h"
#include "core/overloaded.h"
#include "core/strategy.h"
#include "sim/kafka/workload.h"
#include "sim/linkv/workload.h"
#include "sim/nemesis.h"
#include "sim/node_host.h"
#include "sim/process/process_host.h"
#include "sim/raft_invariants.h"
#include "sim/services/service.h"
#include "sim/world.h"

namespace eddy::sim {
namespace {

struct RegisteredStrategy {
  std::string workload;
  std::string summary;
  TunedFactory factory;
};

// Strategies beyond core's (the tests' broken variants), by name.
std::map<std::string, RegisteredStrategy>& registry() {
  static std::map<std::string, RegisteredStrategy> strategies;
  return strategies;
}

}  // namespace

void register_strategy(std::string name, std::string workload, std::string summary,
                       ApplicationFactory factory) {
  register_tuned_strategy(std::move(name), std::move(workload), std::move(summary),
                          [factory](const core::StrategyOptions&) { return factory; });
}

void register_tuned_strategy(std::string name, std::string workload, std::string summary,
                             TunedFactory factory) {
  registry()[std::move(name)] =
      RegisteredStrategy{std::move(workload), std::move(summary), std::move(factory)};
}

std::vector<KnownStrategy> known_strategies() {
  std::vector<KnownStrategy> known;
  for (const core::StrategyInfo& info : core::strategies()) {
    known.push_back(KnownStrategy{std::string(info.name),
                                  {info.workloads.begin(), info.workloads.end()},
                                  std::string(info.summary)});
  }
  for (const auto& [name, strategy] : registry()) {
    known.push_back(KnownStrategy{name, {strategy.workload}, strategy.summary});
  }
  return known;
}

std::vector<std::string> workloads_of(const std::string& strategy) {
  for (const KnownStrategy& info : known_strategies()) {
    if (info.name == strategy) return info.workloads;
  }
  return {};
}

core::Result<ApplicationFactory, std::string> application_factory(
    const std::string& strategy, const core::StrategyOptions& options) {
  if (const auto it = registry().find(strategy); it != registry().end()) {
    return it->second.factory(options);
  }
  if (core::find_strategy(strategy) == nullptr) {
    std::string known;
    for (const KnownStrategy& info : known_strategies()) {
      known += (known.empty() ? "" : ", ") + info.name;
    }
    return core::Err{"unknown strategy '" + strategy + "' (known: " + known + ")"};
  }
  return ApplicationFactory([strategy, options](int) {
    return std::move(core::make_strategy(strategy, options)).value();
  });
}

struct Simulation::Impl {
  explicit Impl(SimOptions opts)
      : options(std::move(opts)), root(options.seed), world(options, root) {}

  SimOptions options;
  core::Rng root;
  World world;
  std::vector<std::unique_ptr<Host>> nodes;
  std::vector<ProcessHost*> processes;  // process mode: every node, as a child process
  std::map<EndpointId, std::unique_ptr<Service>> services;
  core::Rng service_rng = root.stream("services");
  std::unique_ptr<Nemesis> nemesis;
  std::unique_ptr<Workload> workload;
  kafka::KafkaWorkload* kafka_workload = nullptr;  // the workload, when it is kafka's
  linkv::LinKvWorkload* linkv_workload = nullptr;  // the workload, when it is lin-kv's
  std::vector<int> node_of_endpoint;

  // Builds the cluster; an error (a binary that would not start) or empty.
  std::string build();
  void handle(SimEvent& event);
  // Runs the next agenda event and the checks after it; false once a Raft
  // invariant is broken (invariant_violation says which).
  bool run_event(SimResult& result);
  // Process mode: runs agenda events as the wall clock reaches them, and the
  // nodes' output as it comes.
  void run_in_real_time(SimResult& result);
  std::string invariant_violation;
  // Raft's safety across the nodes (sim/raft_invariants.h), when they run a
  // Raft strategy; false once a property is broken.
  bool check_raft(RaftInvariants::Depth depth);
  RaftInvariants raft_invariants;
  std::vector<RaftInvariants::NodeView> raft_views;  // check_raft's, kept between events
  void deliver(DeliverEvent& event);
};

Simulation::Simulation(SimOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Simulation::~Simulation() = default;

std::string Simulation::Impl::build() {
  std::vector<std::string> names;
  for (int i = 0; i < options.node_count; ++i) names.push_back("n" + std::to_string(i));
  std::vector<Host*> hosts;
  ApplicationFactory factory = options.application_factory;
  std::string error;
  if (!options.bin.empty()) {
    auto path = ChildProcess::resolve(options.bin);
    if (!path.ok()) return path.error();
    for (int i = 0; i < options.node_count; ++i) {
      auto host = std::make_unique<ProcessHost>(
          world, names[static_cast<size_t>(i)],
          ProcessSpec{path.value(), options.bin_args, ChildProcess::Limits{}}, names);
      if (error.empty()) error = host->start();
      processes.push_back(host.get());
      nodes.push_back(std::move(host));
    }
  } else if (!factory) {
    factory = std::move(application_factory(options.strategy, options.strategy_options)).value();
  }
  for (int i = 0; i < options.node_count && processes.empty(); ++i) {
    // Each node's own stream (its seeds, its clock, its disk), from the run's.
    nodes.push_back(
        std::make_unique<NodeHost>(world, i, names[static_cast<size_t>(i)], factory,
                                   root.stream("node " + names[static_cast<size_t>(i)])));
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    hosts.push_back(nodes[i].get());
    node_of_endpoint.resize(std::max<size_t>(node_of_endpoint.size(), nodes[i]->endpoint() + 1),
                            -1);
    node_of_endpoint[nodes[i]->endpoint()] = static_cast<int>(i);
  }
  for (const std::string_view name : service_names()) {
    const EndpointId endpoint =
        world.network.add_endpoint(std::string(name), EndpointKind::kService);
    services.emplace(endpoint, make_service(name));
  }
  // In virtual time the network leaves out wake-ups that would find nothing
  // to do, and the clients the timeouts of answered calls, until a node runs
  // Raft (run_event).
  if (processes.empty() && options.elide_no_op_events) {
    world.network.elide_idle_dequeues();
    world.client_timeouts.elide();
  }
  nemesis = std::make_unique<Nemesis>(world, root.stream("nemesis"), hosts);
  if (options.workload == "lin-kv") {
    auto linkv =
        std::make_unique<linkv::LinKvWorkload>(world, root.stream("workload"), names, *nemesis);
    linkv_workload = linkv.get();
    workload = std::move(linkv);
  } else {
    auto kafka =
        std::make_unique<kafka::KafkaWorkload>(world, root.stream("workload"), names, *nemesis);
    kafka_workload = kafka.get();
    workload = std::move(kafka);
  }
  return error;
}

void Simulation::Impl::deliver(DeliverEvent& event) {
  core::Message* message = world.network.on_deliver(world.now_us, event);
  if (message == nullptr) return;
  // The slot is free again once the message is handled, however that ends.
  const struct Release {
    Network& network;
    const DeliverEvent& event;
    ~Release() { network.release(event); }
  } release{world.network, event};
  switch (world.network.kind(event.endpoint)) {
    case EndpointKind::kNode:
      nodes[static_cast<size_t>(node_of_endpoint[event.endpoint])]->receive(std::move(*message));
      return;
    case EndpointKind::kService: {
      Service& service = *services.at(event.endpoint);
      std::optional<core::Body> reply = service.handle(*message, service_rng);
      if (!reply) return;  // maelstrom service.clj: an unknown type gets no reply
      world.network.send(world.now_us,
                         core::Message{message->dest, message->src, std::nullopt, message->msg_id,
                                       std::move(*reply)},
                         event.endpoint);
      return;
    }
    case EndpointKind::kClient:
      workload->on_client_message(event.endpoint, std::move(*message));
      return;
  }
}

void Simulation::Impl::handle(SimEvent& event) {
  std::visit(core::Overloaded{
                 [&](DequeueEvent& e) { world.network.on_dequeue(world.now_us, e.endpoint); },
                 [&](DeliverEvent& e) { deliver(e); },
                 [&](NodeTimerEvent& e) { nodes[static_cast<size_t>(e.node)]->on_timer(e); },
                 [&](NodeDiskEvent& e) { nodes[static_cast<size_t>(e.node)]->on_disk(e); },
                 [&](WorkerEvent& e) { workload->on_worker_event(e); },
                 [&](ClientTimeoutEvent& e) { workload->on_client_timeout(e); },
                 [&](NemesisEvent&) { workload->on_nemesis_event(); },
                 [&](PhaseEvent&) { workload->on_phase_event(); },
             },
             event);
}

bool Simulation::Impl::check_raft(RaftInvariants::Depth depth) {
  // Runs after every event: the views' storage is reused, nothing copied.
  // First a glance at the world's sticky flag (World::raft_state_seen), so a
  // run of another strategy builds no views. It can only pass over what the
  // views below would also find nothing in: a node sets the flag whenever
  // its Raft or its disk could show anything.
  if (!world.raft_state_seen) return true;
  std::vector<RaftInvariants::NodeView>& views = raft_views;
  views.clear();
  bool any = false;
  for (const auto& node : nodes) {
    // A node whose effects wait behind a slow write, or whose last write a
    // crash could still tear, is judged by its disk until they are done or
    // something has left: its memory (a commit counted on an entry still
    // being written) is ahead of anything it did, and a crash may undo it.
    const bool durable = node->settled() && !node->last_write_may_tear();
    views.push_back({.name = node->name(),
                     .raft = durable ? node->raft() : nullptr,
                     .disk = node->durable(),
                     .incarnation = node->restarts()});
    any = any || views.back().raft != nullptr ||
          (node->durable() != nullptr && !node->durable()->empty());
  }
  return !any || raft_invariants.observe(views, depth);
}

bool Simulation::Impl::run_event(SimResult& result) {
  auto [due_us, event] = world.agenda.pop();
  world.now_us = std::max(world.now_us, due_us);
  handle(event);
  if (nemesis->awaiting_leader()) nemesis->observe();
  ++result.events;
  if (!world.raft_state_seen) return true;  // check_raft's glance, before any call
  if (world.network.eliding_idle_dequeues() || world.client_timeouts.eliding()) {
    // From here on the count spaces Raft's checks: it must be the count of
    // every event, those left out so far included.
    result.events += world.network.stop_eliding() + world.client_timeouts.stop_eliding();
  }
  const int64_t every = std::max<int64_t>(1, options.invariant_check_every_steps);
  const auto depth =
      result.events % every == 0 ? RaftInvariants::Depth::kFull : RaftInvariants::Depth::kWatch;
  if (check_raft(depth)) return true;
  invariant_violation = raft_invariants.violation();
  return false;
}

// Process mode: messages in flight (sent, neither received nor dropped yet:
// on the agenda or in a node's delivery queue) past which the nodes' output
// is left unread until the network has drained some. About 1 KiB each.
constexpr int64_t kInFlightMax = 1 << 16;

void Simulation::Impl::run_in_real_time(SimResult& result) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  const auto wall_us = [&] {
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
  };
  std::vector<pollfd> fds;
  while (!workload->done()) {
    if (options.interrupted != nullptr && options.interrupted->load()) {
      result.abort_reason = "interrupted";
      break;
    }
    const std::optional<TimeUs> due = world.agenda.next_due_us();
    if (const TimeUs now = wall_us(); due && *due <= now) {
      const auto late = static_cast<uint64_t>(now - *due);
      const size_t bucket = late == 0 ? 0 : static_cast<size_t>(std::bit_width(late));
      if (result.lateness_log2_us.size() <= bucket) result.lateness_log2_us.resize(bucket + 1);
      ++result.lateness_log2_us[bucket];
      if (!run_event(result)) break;
      continue;
    }
    // Wait for the nodes' output until the next event is due (at most 100
    // ms, so an interrupt is seen), then route what came at the wall time.
    const TimeUs wait_us = std::clamp<TimeUs>(due ? *due - wall_us() : 100'000, 0, 100'000);
    fds.clear();
    // Backpressure: while this much is in flight, no node's output is read;
    // a node that floods the network blocks on its own stdout.
    const TrafficCounts& all = world.network.stats().all;
    const int64_t in_flight = all.sent - all.received - all.dropped;
    result.max_in_flight = std::max(result.max_in_flight, in_flight);
    const bool read_stdout = in_flight < kInFlightMax;
    for (const ProcessHost* host : processes) host->add_poll_fds(fds, read_stdout);
    const timespec timeout{static_cast<time_t>(wait_us / 1'000'000),
                           static_cast<long>(wait_us % 1'000'000 * 1000)};
    ::ppoll(fds.data(), fds.size(), &timeout, nullptr);
    world.now_us = std::max(world.now_us, wall_us());
    for (size_t i = 0; i < processes.size(); ++i) processes[i]->on_poll(&fds[3 * i], 3);
    const auto died = std::find_if(processes.begin(), processes.end(), [](const ProcessHost* h) {
      return !h->unexpected_exit().empty();
    });
    if (died != processes.end()) {
      result.abort_reason = "stopped: " + (*died)->unexpected_exit();
      break;
    }
    bool any_up = false;
    for (const ProcessHost* host : processes) any_up = any_up || host->up();
    if (!due && !any_up) break;  // nothing more can happen
  }
  // Teardown: every node's stdin closes at once; half a second to exit.
  for (ProcessHost* host : processes) host->close_stdin();
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(500);
  for (ProcessHost* host : processes) host->finish(deadline);
  for (const ProcessHost* host : processes) {
    result.node_problems.insert(result.node_problems.end(), host->problems().begin(),
                                host->problems().end());
    result.node_problems_dropped += host->problems_dropped();
  }
}

SimResult Simulation::run(const ProgressFn& progress, const HistoryReaders& readers) {
  Impl& s = *impl_;
  SimResult result;
  if (const std::string error = s.build(); !error.empty()) {
    result.abort_reason = error;
    return result;
  }
  // Closed and joined by take_history() below, before the feeds go.
  std::unique_ptr<HistoryFeed<checker::Op>> kafka_feed;
  std::unique_ptr<HistoryFeed<checker::LinKvOp>> linkv_feed;
  if (s.kafka_workload != nullptr && readers.kafka) {
    kafka_feed = std::make_unique<HistoryFeed<checker::Op>>(readers.kafka);
    s.kafka_workload->attach_feed(kafka_feed.get());
  }
  if (s.linkv_workload != nullptr && readers.linkv) {
    linkv_feed = std::make_unique<HistoryFeed<checker::LinKvOp>>(readers.linkv);
    s.linkv_workload->attach_feed(linkv_feed.get());
  }
  s.workload->start();
  if (!s.processes.empty()) {
    s.run_in_real_time(result);
  } else {
    while (!s.workload->done() && !s.world.agenda.empty()) {
      if (!s.run_event(result)) break;  // a found bug: the run ends here, with its replay command
      if (result.events % 16384 == 0 && progress) {
        progress(s.world.now_us, s.workload->history_entries());
      }
    }
    // The events left out count as the events they would have been; on a
    // drained agenda they would all have run, the clock with them.
    const bool drained = s.world.agenda.empty();
    result.events +=
        s.world.network.elided_events(drained) + s.world.client_timeouts.elided_events(drained);
    if (const auto due_us = s.world.client_timeouts.latest_unpassed_due_us(); drained && due_us) {
      s.world.now_us = std::max(s.world.now_us, *due_us);
    }
  }
  std::string& invariant_violation = s.invariant_violation;
  if (invariant_violation.empty() && !s.check_raft(RaftInvariants::Depth::kFull)) {
    invariant_violation = s.raft_invariants.violation();
  }
  for (const auto& node : s.nodes) {
    node->check_invariants();
    result.node_steps += node->steps();
    if (s.options.node_logs) result.node_logs.push_back(node->log_lines());
  }
  for (const auto& [endpoint, service] : s.services) {
    result.service_requests[std::string(service->name())] = service->requests();
  }
  if (result.abort_reason.empty()) result.abort_reason = s.workload->abort_reason();
  if (!invariant_violation.empty()) {
    result.abort_reason = "Raft invariant violated: " + invariant_violation;
  } else if (result.abort_reason.empty() && !s.workload->done()) {
    result.abort_reason = "the agenda ran dry before the workload finished";
  }
  result.end_us = s.world.now_us;
  result.leader_recoveries = s.nemesis->leader_recoveries();
  result.leader_faults_unrecovered = s.nemesis->leader_faults_unrecovered();
  const auto waiting_since = std::chrono::steady_clock::now();
  if (s.kafka_workload != nullptr) {
    result.final_read_to_end = s.kafka_workload->final_read_to_end();
    result.history = s.kafka_workload->take_history();
  }
  if (s.linkv_workload != nullptr) result.linkv_history = s.linkv_workload->take_history();
  result.history_wait_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - waiting_since).count();
  result.net = s.world.network.stats();
  result.journal = s.world.network.journal();
  return result;
}

}  // namespace eddy::sim
