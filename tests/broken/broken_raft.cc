#include "tests/broken/broken_raft.h"

#include <functional>
#include <memory>

#include "core/kv/raft_kv.h"
#include "sim/simulation.h"

namespace eddy::broken {
namespace {

struct RaftVariant {
  const char* name;
  const char* summary;
  std::function<void(core::kv::RaftKvOptions&)> flaw;
};

const std::vector<RaftVariant>& variants() {
  using Flaw = core::raft::RaftConfig::Flaw;
  static const std::vector<RaftVariant> kVariants{
      {"broken:raft-commit-old-term",
       "BROKEN on purpose: raft that commits a previous term's entry by counting replicas",
       [](core::kv::RaftKvOptions& o) { o.raft_flaw = Flaw::kCommitOldTermByCounting; }},
      {"broken:raft-two-votes", "BROKEN on purpose: raft that votes for every candidate of a term",
       [](core::kv::RaftKvOptions& o) { o.raft_flaw = Flaw::kTwoVotesPerTerm; }},
      {"broken:raft-stale-read",
       "BROKEN on purpose: raft whose leader reads without confirming its leadership",
       [](core::kv::RaftKvOptions& o) { o.flaw_read_without_read_index = true; }},
      {"broken:raft-ack-before-commit",
       "BROKEN on purpose: raft that applies and answers a write before it commits",
       [](core::kv::RaftKvOptions& o) { o.flaw_ack_before_commit = true; }},
  };
  return kVariants;
}

}  // namespace

void register_broken_raft_variants() {
  for (const RaftVariant& variant : variants()) {
    // The run's --raft-* tuning, with the flaw on top.
    sim::register_tuned_strategy(
        variant.name, "lin-kv", variant.summary, [&variant](const core::StrategyOptions& tuning) {
          core::kv::RaftKvOptions options = tuning.raft;
          variant.flaw(options);
          return sim::ApplicationFactory(
              [options](int) { return std::make_unique<core::kv::RaftKv>(options); });
        });
  }
}

std::vector<std::string> broken_raft_variant_names() {
  std::vector<std::string> names;
  for (const RaftVariant& variant : variants()) names.emplace_back(variant.name);
  return names;
}

}  // namespace eddy::broken
