// sim/kafka/generator.h: an assign names the drawn op's key alone or, one
// time in three, together with every key whose acknowledged sends are not
// all polled yet, sorted and unique. The generator keeps that set as a sorted
// list updated by the feedback (sends acknowledged, polls read); this
// property drives it with random ops and feedback and holds every assign
// against a model that applies the same rules to a plain ordered map.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/random.h"
#include "sim/kafka/generator.h"
#include "sim/options.h"

namespace eddy::sim::kafka {
namespace {

// poll-unseen as Jepsen keeps it: per key, the highest offset acknowledged
// sent and the highest polled; a key leaves once every send is polled.
struct Model {
  struct Unseen {
    std::optional<int64_t> sent;
    std::optional<int64_t> polled;
  };
  std::map<std::string, Unseen> unseen;

  void retire_if_polled(const std::string& key) {
    const Unseen& u = unseen[key];
    if (u.sent && u.polled && *u.polled >= *u.sent) unseen.erase(key);
  }
  void sent(const std::string& key, int64_t offset) {
    Unseen& u = unseen[key];
    u.sent = std::max(u.sent.value_or(offset), offset);
    retire_if_polled(key);
  }
  void polled(const std::string& key, int64_t offset) {
    Unseen& u = unseen[key];
    u.polled = std::max(u.polled.value_or(offset), offset);
    retire_if_polled(key);
  }
  // What an assign of every unseen key names, with `drawn`.
  std::vector<std::string> all_with(const std::string& drawn) const {
    std::vector<std::string> keys{drawn};
    for (const auto& [key, u] : unseen) {
      if (u.sent && key != drawn) keys.push_back(key);
    }
    std::sort(keys.begin(), keys.end());
    return keys;
  }
};

RC_GTEST_PROP(KafkaGenerator, AnAssignNamesTheDrawnKeyAloneOrWithEveryUnseenKey, ()) {
  SimOptions options;
  options.key_count = *rc::gen::inRange(1, 12);
  options.max_writes_per_key = *rc::gen::inRange(1, 6);
  options.assign_p = *rc::gen::element(0.25, 0.5);
  KafkaGenerator generator(options, core::Rng(*rc::gen::arbitrary<uint64_t>()));
  core::Rng feedback(*rc::gen::arbitrary<uint64_t>());
  Model model;
  std::map<std::string, int64_t> next_offset;
  std::vector<std::vector<std::string>> assigns;  // since the last send or poll
  size_t full_assigns = 0;
  for (int step = 0; step < 400; ++step) {
    KafkaOp op = generator.next();
    if (op.f == checker::OpF::kAssign) {
      RC_ASSERT(!op.keys.empty());
      RC_ASSERT(std::adjacent_find(op.keys.begin(), op.keys.end(),
                                   [](const std::string& a, const std::string& b) {
                                     return !(a < b);
                                   }) == op.keys.end());  // strictly ascending
      assigns.push_back(std::move(op.keys));
      continue;
    }
    // The op an assign displaced: its key is the one drawn for those assigns.
    for (const std::vector<std::string>& keys : assigns) {
      if (keys.size() == 1 && keys.front() == op.key) continue;
      RC_ASSERT(keys == model.all_with(op.key));
      ++full_assigns;
    }
    assigns.clear();
    if (op.f == checker::OpF::kSend && feedback.below(4) != 0) {
      const int64_t offset = next_offset[op.key] += static_cast<int64_t>(feedback.below(3));
      generator.on_ok_send(op.key, offset);
      model.sent(op.key, offset);
    } else if (op.f == checker::OpF::kPoll && !next_offset.empty()) {
      // A poll that reads some of the keys sent so far, up to some offset.
      std::vector<checker::PolledKey> polled;
      for (const auto& [key, last] : next_offset) {
        if (feedback.below(2) == 0) continue;
        const auto upto = static_cast<int64_t>(feedback.below(static_cast<uint64_t>(last) + 2));
        polled.push_back({key, {checker::PolledRecord{upto, 1}}});
        model.polled(key, upto);
      }
      generator.on_ok_poll(polled);
    }
  }
  RC_TAG(full_assigns > 0 ? "some assign named every unseen key" : "none did");
}

}  // namespace
}  // namespace eddy::sim::kafka
