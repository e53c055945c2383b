// GossipKafka, driven through core::Node with hand-delivered gossip.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "core/kafka/gossip.h"
#include "core/node.h"

namespace eddy::core::kafka {
namespace {

class GossipNode {
 public:
  GossipNode(const std::string& id, std::vector<std::string> ids, GossipConfig config = {})
      : id_(id) {
    auto app = std::make_unique<GossipKafka>(config);
    app_ = app.get();
    node_ = std::make_unique<Node>(NodeConfig{Limits{}, 1}, std::move(app));
    step(Message{"c0", id, 1, std::nullopt, InitBody{id, std::move(ids)}});
  }

  std::vector<Effect> step(Message message, int64_t now_ms = 0) {
    auto effects = node_->step(now_ms, Received{std::move(message)});
    node_->check_invariants();
    return effects;
  }
  std::vector<Effect> tick(int64_t now_ms) {
    auto effects = node_->step(now_ms, TimerFired{TimerId{TimerKind::kApplication, 1}});
    node_->check_invariants();
    return effects;
  }

  Body request(Body body) {
    const auto effects = step(Message{"c1", id_, next_id_++, std::nullopt, std::move(body)});
    for (const Effect& effect : effects) {
      if (const auto* send = std::get_if<SendEffect>(&effect)) return send->message.body;
    }
    ADD_FAILURE() << "no reply";
    return ErrorBody{};
  }
  int64_t send(const std::string& key, int64_t msg) {
    return std::get<SendOkBody>(request(SendBody{key, Value(msg)})).offset;
  }
  std::vector<std::pair<int64_t, int64_t>> poll(const std::string& key, int64_t from) {
    const auto ok = std::get<PollOkBody>(request(PollBody{{{key, from}}}));
    std::vector<std::pair<int64_t, int64_t>> records;
    for (const auto& [k, recs] : ok.msgs) {
      for (const Record& r : recs) records.emplace_back(r.offset, r.msg.integer());
    }
    return records;
  }

  const GossipKafka& app() const { return *app_; }

 private:
  std::string id_;
  GossipKafka* app_ = nullptr;
  std::unique_ptr<Node> node_;
  int64_t next_id_ = 2;
};

std::vector<Message> gossip_sent(const std::vector<Effect>& effects) {
  std::vector<Message> out;
  for (const Effect& effect : effects) {
    if (const auto* send = std::get_if<SendEffect>(&effect)) {
      if (std::holds_alternative<GossipBody>(send->message.body)) out.push_back(send->message);
    }
  }
  return out;
}

TEST(GossipKafka, SingleNodeServesEverythingWithoutMessages) {
  GossipNode n0("n0", {"n0"});
  EXPECT_EQ(n0.send("k", 10), 0);
  EXPECT_EQ(n0.send("k", 11), 1);
  EXPECT_EQ(n0.poll("k", 0), (std::vector<std::pair<int64_t, int64_t>>{{0, 10}, {1, 11}}));
  EXPECT_TRUE(gossip_sent(n0.tick(100)).empty());
}

TEST(GossipKafka, OffsetsComeFromTheNodesOwnClass) {
  GossipNode n1("n1", {"n0", "n1", "n2"});
  EXPECT_EQ(n1.send("k", 1), 1);
  EXPECT_EQ(n1.send("k", 2), 4);
  EXPECT_EQ(n1.send("other", 3), 1);
}

TEST(GossipKafka, PollsStopBelowAPeerWatermarkUntilItSpeaks) {
  GossipNode n0("n0", {"n0", "n1"});
  GossipNode n1("n1", {"n0", "n1"});
  EXPECT_EQ(n0.send("k", 1), 0);
  EXPECT_EQ(n0.send("k", 2), 2);
  // n1 may still allocate offset 1: n0 must not return 2 yet.
  EXPECT_EQ(n0.poll("k", 0), (std::vector<std::pair<int64_t, int64_t>>{{0, 1}}));
  // n0's batch reaches n1, whose next offset for k jumps past 2, and n1 says so.
  for (const Message& m : gossip_sent(n0.tick(40))) n1.step(m);
  EXPECT_EQ(n1.app().safe_end("k"), 3);
  for (const Message& m : gossip_sent(n1.tick(40))) n0.step(m);
  EXPECT_EQ(n0.poll("k", 0), (std::vector<std::pair<int64_t, int64_t>>{{0, 1}, {2, 2}}));
  EXPECT_EQ(n1.poll("k", 0), (std::vector<std::pair<int64_t, int64_t>>{{0, 1}, {2, 2}}));
  EXPECT_EQ(n1.send("k", 3), 3);
}

TEST(GossipKafka, ABatchAfterAGapIsDroppedAndResentFromTheAck) {
  GossipNode n0("n0", {"n0", "n1"});
  GossipNode n1("n1", {"n0", "n1"});
  n0.send("k", 1);
  const auto lost = gossip_sent(n0.tick(40));  // never delivered
  ASSERT_EQ(lost.size(), 1u);
  n0.send("k", 2);
  const auto second = gossip_sent(n0.tick(80));
  ASSERT_EQ(second.size(), 1u);
  n1.step(second[0]);  // starts past what n1 expects: dropped
  EXPECT_EQ(n1.app().log().record_count(), 0u);
  // After the retransmission timeout n0 resends from the last acknowledged item.
  const auto resent = gossip_sent(n0.tick(40 + 160));
  ASSERT_EQ(resent.size(), 1u);
  EXPECT_EQ(std::get<GossipBody>(resent[0].body).first_seq, 1);
  n1.step(resent[0]);
  EXPECT_EQ(n1.app().log().record_count(), 2u);
  // A duplicate of an applied batch changes nothing.
  n1.step(resent[0]);
  EXPECT_EQ(n1.app().log().record_count(), 2u);
}

TEST(GossipKafka, CommitsMergeByMaximumAcrossNodes) {
  GossipNode n0("n0", {"n0", "n1"});
  GossipNode n1("n1", {"n0", "n1"});
  n0.request(CommitOffsetsBody{{{"k", 5}}});
  n0.request(CommitOffsetsBody{{{"k", 3}}});  // lower: ignored
  n1.request(CommitOffsetsBody{{{"k", 4}}});
  for (const Message& m : gossip_sent(n0.tick(40))) n1.step(m);
  for (const Message& m : gossip_sent(n1.tick(40))) n0.step(m);
  for (GossipNode* node : {&n0, &n1}) {
    const auto list =
        std::get<ListCommittedOffsetsOkBody>(node->request(ListCommittedOffsetsBody{{"k", "x"}}));
    EXPECT_EQ(list.offsets, (KeyOffsets{{"k", 5}}));
  }
}

// The items of one gossip message, as (kind, key, offset).
using Items = std::vector<std::tuple<GossipItem::Kind, std::string, int64_t>>;
Items items_of(const Message& message) {
  Items out;
  for (const Rc<GossipItem>& item : std::get<GossipBody>(message.body).items) {
    out.emplace_back(item->kind, item->key, item->offset);
  }
  return out;
}

// Items are shared between the links' outboxes and the batches sent
// (core/rc.h). A commit not yet sent on one link is raised in place there;
// the same item, already sent on another link, must stay as it was sent.
TEST(GossipKafka, RaisingAnUnsentItemLeavesTheCopiesAlreadySentAlone) {
  constexpr auto kCommit = GossipItem::Kind::kCommit;
  GossipConfig config;
  config.batch_items_max = 2;
  GossipNode n0("n0", {"n0", "n1", "n2"}, config);
  n0.request(CommitOffsetsBody{{{"k", 5}}});  // seq 1
  ASSERT_EQ(gossip_sent(n0.tick(100)).size(), 2u);
  n0.step(Message{"n1", "n0", 0, std::nullopt, GossipBody{1, 1, {}}});  // n1 applied seq 1
  n0.request(CommitOffsetsBody{{{"a", 1}}});                            // seq 2
  n0.request(CommitOffsetsBody{{{"b", 1}}});                            // seq 3
  // n1's link sends seqs 2-3; n2's resends from 1, two items: seq 3 stays unsent there.
  const auto batches = gossip_sent(n0.tick(300));
  ASSERT_EQ(batches.size(), 2u);
  ASSERT_EQ(batches[0].dest, "n1");
  const auto sent_to_n1 = items_of(batches[0]);
  EXPECT_EQ(sent_to_n1, (Items{{kCommit, "a", 1}, {kCommit, "b", 1}}));
  EXPECT_EQ(std::get<GossipBody>(batches[1].body).first_seq, 1);
  n0.request(CommitOffsetsBody{{{"b", 7}}});  // raises seq 3 in n2's outbox only
  EXPECT_EQ(items_of(batches[0]), sent_to_n1) << "a batch in flight changed";
  n0.step(Message{"n2", "n0", 0, std::nullopt, GossipBody{1, 2, {}}});  // n2 applied seqs 1-2
  n0.step(Message{"n1", "n0", 0, std::nullopt, GossipBody{1, 3, {}}});  // n1 applied seqs 2-3
  const auto next = gossip_sent(n0.tick(340));
  ASSERT_EQ(next.size(), 2u);
  // n1 gets the raise as a new item, seq 4; n2 gets seq 3 raised.
  EXPECT_EQ(std::get<GossipBody>(next[0].body).first_seq, 4);
  EXPECT_EQ(items_of(next[0]), (Items{{kCommit, "b", 7}}));
  EXPECT_EQ(std::get<GossipBody>(next[1].body).first_seq, 3);
  EXPECT_EQ(items_of(next[1]), (Items{{kCommit, "b", 7}}));
}

}  // namespace
}  // namespace eddy::core::kafka
