// Property: any sequence of the four kafka operations against the single-node
// strategy, sent through the codec and the Node runtime exactly as eddy-node
// would, agrees with a simple model:
//  - send offsets are strictly increasing per key;
//  - a poll returns, per key, the contiguous run of stored records from the
//    first offset >= the requested one, capped by poll_msgs_per_key_max;
//  - committed offsets never move backwards, and uncommitted keys are omitted.
// rapidcheck shrinks a failure to a minimal sequence of operations.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/json_codec.h"
#include "core/kafka/single_node.h"
#include "core/node.h"

namespace eddy::core {
namespace {

enum class OpKind { kSend, kPoll, kCommit, kList };

struct Op {
  OpKind kind;
  int key;    // index into kKeys
  int arg;    // send: message; poll/commit: offset
  int other;  // poll/list: a second key
};

const std::vector<std::string> kKeys{"a", "b", "c", "d"};

std::ostream& operator<<(std::ostream& os, const Op& op) {
  static const char* kNames[] = {"send", "poll", "commit", "list"};
  return os << kNames[static_cast<int>(op.kind)] << "(" << kKeys[op.key] << ", " << op.arg << ", "
            << kKeys[op.other] << ")";
}

rc::Gen<Op> gen_op() {
  return rc::gen::map(rc::gen::tuple(rc::gen::inRange(0, 4), rc::gen::inRange(0, 4),
                                     rc::gen::inRange(0, 12), rc::gen::inRange(0, 4)),
                      [](const std::tuple<int, int, int, int>& t) {
                        return Op{static_cast<OpKind>(std::get<0>(t)), std::get<1>(t),
                                  std::get<2>(t), std::get<3>(t)};
                      });
}

// Drives a Node through the codec, one request and one reply at a time.
class Harness {
 public:
  explicit Harness(const Limits& limits)
      : limits_(limits), node_(NodeConfig{limits, 1}, std::make_unique<kafka::SingleNodeKafka>()) {
    const Message reply = request(InitBody{"n0", {"n0"}});
    RC_ASSERT(std::holds_alternative<InitOkBody>(reply.body));
  }

  // Sends `body` as client c0, through encode/decode, and returns the one reply.
  Message request(Body body) {
    Message message{"c0", "n0", next_msg_id_++, std::nullopt, std::move(body)};
    std::string line = encode_line(message);
    line.pop_back();  // the newline
    DecodeResult decoded = decode_line(line, limits_);
    RC_ASSERT(decoded.ok());
    std::vector<Effect> effects;
    node_.step(0, Received{std::move(decoded).value()}, effects);
    node_.check_invariants();
    std::vector<Message> replies;
    for (const Effect& effect : effects) {
      if (const auto* send = std::get_if<SendEffect>(&effect)) {
        std::string out = encode_line(send->message);
        out.pop_back();
        DecodeResult reply = decode_line(out, limits_);
        RC_ASSERT(reply.ok());
        replies.push_back(std::move(reply).value());
      }
    }
    RC_ASSERT(replies.size() == 1u);
    RC_ASSERT(replies[0].in_reply_to == message.msg_id);
    return replies[0];
  }

 private:
  Limits limits_;
  Node node_;
  int64_t next_msg_id_ = 1;
};

struct Model {
  std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> logs;  // key -> (offset, msg)
  std::map<std::string, int64_t> committed;
};

void check_send(Harness& node, Model& model, const Op& op) {
  const std::string& key = kKeys[op.key];
  const Message reply = node.request(SendBody{key, Value(int64_t{op.arg})});
  const auto* ok = std::get_if<SendOkBody>(&reply.body);
  RC_ASSERT(ok != nullptr);
  auto& log = model.logs[key];
  if (!log.empty()) RC_ASSERT(ok->offset > log.back().first);
  log.emplace_back(ok->offset, op.arg);
}

void check_poll(Harness& node, const Model& model, const Op& op, int64_t cap) {
  KeyOffsets wanted{{kKeys[op.key], op.arg}};
  if (op.other != op.key) wanted.emplace_back(kKeys[op.other], 0);
  std::sort(wanted.begin(), wanted.end());
  const Message reply = node.request(PollBody{wanted});
  const auto* ok = std::get_if<PollOkBody>(&reply.body);
  RC_ASSERT(ok != nullptr);
  std::map<std::string, std::vector<Record>> got(ok->msgs.begin(), ok->msgs.end());
  for (const auto& [key, from] : wanted) {
    std::vector<std::pair<int64_t, int64_t>> expected;
    if (const auto it = model.logs.find(key); it != model.logs.end()) {
      for (const auto& record : it->second) {
        if (record.first >= from && static_cast<int64_t>(expected.size()) < cap) {
          expected.push_back(record);
        }
      }
    }
    std::vector<std::pair<int64_t, int64_t>> actual;
    if (const auto it = got.find(key); it != got.end()) {
      RC_ASSERT(!it->second.empty());  // empty keys are omitted, not listed empty
      for (const Record& record : it->second) {
        RC_ASSERT(record.msg.is_integer());
        actual.emplace_back(record.offset, record.msg.integer());
      }
    }
    RC_ASSERT(actual == expected);
  }
  RC_ASSERT(got.size() <= wanted.size());
}

void check_commit(Harness& node, Model& model, const Op& op) {
  const std::string& key = kKeys[op.key];
  const Message reply = node.request(CommitOffsetsBody{{{key, op.arg}}});
  RC_ASSERT(std::holds_alternative<CommitOffsetsOkBody>(reply.body));
  auto [it, inserted] = model.committed.try_emplace(key, op.arg);
  if (!inserted) it->second = std::max<int64_t>(it->second, op.arg);
}

void check_list(Harness& node, const Model& model, const Op& op) {
  std::vector<std::string> keys{kKeys[op.key]};
  if (op.other != op.key) keys.push_back(kKeys[op.other]);
  const Message reply = node.request(ListCommittedOffsetsBody{keys});
  const auto* ok = std::get_if<ListCommittedOffsetsOkBody>(&reply.body);
  RC_ASSERT(ok != nullptr);
  std::map<std::string, int64_t> expected;
  for (const std::string& key : keys) {
    if (const auto it = model.committed.find(key); it != model.committed.end()) {
      expected.emplace(key, it->second);
    }
  }
  const std::map<std::string, int64_t> actual(ok->offsets.begin(), ok->offsets.end());
  RC_ASSERT(actual == expected);
}

RC_GTEST_PROP(SingleNodeLogProperty, AgreesWithModel, ()) {
  const auto ops = *rc::gen::container<std::vector<Op>>(gen_op());
  Limits limits;
  limits.poll_msgs_per_key_max = 3;  // small, so that capping is exercised
  Harness node(limits);
  Model model;
  for (const Op& op : ops) {
    switch (op.kind) {
      case OpKind::kSend:
        check_send(node, model, op);
        break;
      case OpKind::kPoll:
        check_poll(node, model, op, limits.poll_msgs_per_key_max);
        break;
      case OpKind::kCommit:
        check_commit(node, model, op);
        break;
      case OpKind::kList:
        check_list(node, model, op);
        break;
    }
  }
}

}  // namespace
}  // namespace eddy::core
