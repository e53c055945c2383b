#include "tests/broken/broken_variants.h"

#include "tests/broken/broken_abort.h"
#include "tests/broken/broken_kv.h"
#include "tests/broken/broken_raft.h"

#include <map>
#include <memory>

#include "core/application.h"
#include "core/kafka/gossip.h"
#include "core/kafka/leader.h"
#include "core/kafka/log.h"
#include "core/overloaded.h"
#include "sim/simulation.h"

namespace eddy::broken {
namespace {

using namespace core;

enum class Flaw { kLoseWrite, kReuseOffset, kSkipPoll, kCommitBackwards, kDefiniteError };

// A single-node kafka log with one deliberate flaw, triggered with chance
// kFlawChance per eligible request.
class BrokenKafka final : public Application {
 public:
  explicit BrokenKafka(Flaw flaw) : flaw_(flaw) {}

  bool on_request(Context& ctx, Message& request) override {
    return std::visit(
        Overloaded{
            [&](SendBody& send) { return on_send(ctx, request, send); },
            [&](PollBody& poll) { return on_poll(ctx, request, poll); },
            [&](CommitOffsetsBody& commit) {
              for (const auto& [key, offset] : commit.offsets) {
                auto [it, fresh] = committed_.try_emplace(key, offset);
                if (flaw_ == Flaw::kCommitBackwards || offset > it->second) it->second = offset;
              }
              ctx.reply(request, CommitOffsetsOkBody{});
              return true;
            },
            [&](ListCommittedOffsetsBody& list) {
              std::map<std::string, int64_t> found;
              for (const std::string& key : list.keys) {
                if (const auto it = committed_.find(key); it != committed_.end()) {
                  found.emplace(key, it->second);
                }
              }
              ctx.reply(request, ListCommittedOffsetsOkBody{{found.begin(), found.end()}});
              return true;
            },
            [](auto&) { return false; },
        },
        request.body);
  }

 private:
  static constexpr double kFlawChance = 1.0 / 40;

  bool flawed(Context& ctx, Flaw flaw) { return flaw_ == flaw && ctx.rng().chance(kFlawChance); }

  bool on_send(Context& ctx, const Message& request, SendBody& send) {
    int64_t& next = next_offset_[send.key];
    if (flawed(ctx, Flaw::kReuseOffset) && next > 0) {
      ctx.reply(request, SendOkBody{next - 1});  // acknowledged, never stored
      return true;
    }
    const int64_t offset = next++;
    if (flawed(ctx, Flaw::kLoseWrite)) {
      ctx.reply(request, SendOkBody{offset});  // acknowledged, never stored
      return true;
    }
    log_.append_at(send.key, offset, std::move(send.msg));
    if (flawed(ctx, Flaw::kDefiniteError)) {
      ctx.reply(request, ErrorBody{static_cast<int32_t>(ErrorCode::kTemporarilyUnavailable),
                                   "pretending the send did not happen"});
      return true;
    }
    ctx.reply(request, SendOkBody{offset});
    return true;
  }

  bool on_poll(Context& ctx, const Message& request, const PollBody& poll) {
    PollOkBody poll_ok;
    for (const auto& [key, from] : poll.offsets) {
      std::vector<Record> records;
      if (log_.read(key, from, static_cast<size_t>(ctx.limits().poll_msgs_per_key_max), records) ==
          0) {
        continue;
      }
      if (records.size() >= 3 && flawed(ctx, Flaw::kSkipPoll)) {
        records.erase(records.begin() + 1);
      }
      poll_ok.msgs.emplace_back(key, std::move(records));
    }
    ctx.reply(request, std::move(poll_ok));
    return true;
  }

  Flaw flaw_;
  kafka::KafkaLog log_;
  std::map<std::string, int64_t> next_offset_;
  std::map<std::string, int64_t> committed_;
};

struct Variant {
  const char* name;
  const char* summary;
  Flaw flaw;
};

constexpr Variant kVariants[] = {
    {"broken:lose-write", "BROKEN on purpose: acknowledges a send but does not store it",
     Flaw::kLoseWrite},
    {"broken:reuse-offset", "BROKEN on purpose: acknowledges a send with the previous offset",
     Flaw::kReuseOffset},
    {"broken:skip-poll", "BROKEN on purpose: leaves a record out of the middle of a poll reply",
     Flaw::kSkipPoll},
    {"broken:commit-backwards", "BROKEN on purpose: lets a lower commit replace a higher one",
     Flaw::kCommitBackwards},
    {"broken:definite-error", "BROKEN on purpose: stores a send, then answers error 11",
     Flaw::kDefiniteError},
};

// Multi-node strategies with one deliberate bug each (their own Flaw knobs).
struct GossipVariant {
  const char* name;
  const char* summary;
  kafka::GossipConfig::Flaw flaw;
};

constexpr GossipVariant kGossipVariants[] = {
    {"broken:gossip-poll-past-hole",
     "BROKEN on purpose: gossip whose polls ignore peers' watermarks (serve past unfilled holes)",
     kafka::GossipConfig::Flaw::kPollPastHoles},
    {"broken:gossip-overlapping-classes",
     "BROKEN on purpose: gossip where every node allocates from the same offset class",
     kafka::GossipConfig::Flaw::kOverlappingClasses},
};

constexpr const char* kLeaderVariant = "broken:leader-definite-timeout";
constexpr const char* kLeaderSummary =
    "BROKEN on purpose: leader whose followers answer a timed-out forward with error 11";

}  // namespace

void register_broken_variants() {
  register_broken_abort_variant();
  register_broken_kv_variants();
  register_broken_raft_variants();
  for (const Variant& variant : kVariants) {
    const Flaw flaw = variant.flaw;
    sim::register_strategy(variant.name, "kafka", variant.summary,
                           [flaw](int) { return std::make_unique<BrokenKafka>(flaw); });
  }
  for (const GossipVariant& variant : kGossipVariants) {
    kafka::GossipConfig config;
    config.flaw = variant.flaw;
    sim::register_strategy(variant.name, "kafka", variant.summary,
                           [config](int) { return std::make_unique<kafka::GossipKafka>(config); });
  }
  sim::register_strategy(kLeaderVariant, "kafka", kLeaderSummary, [](int) {
    kafka::LeaderKafka::Options options;
    options.flaw_definite_error_on_forward_timeout = true;
    return std::make_unique<kafka::LeaderKafka>(options);
  });
}

std::vector<std::string> broken_variant_names() {
  std::vector<std::string> names;
  for (const Variant& variant : kVariants) names.emplace_back(variant.name);
  for (const GossipVariant& variant : kGossipVariants) names.emplace_back(variant.name);
  names.emplace_back(kLeaderVariant);
  return names;
}

}  // namespace eddy::broken
