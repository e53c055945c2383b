// Property: any sequence of the four kafka operations against the single-node
// strategy, sent through the codec and the Node runtime exactly as eddy-node
// would, agrees with a simple model:
//  - send offsets are strictly increasing per key;
//  - a poll returns, per key, the contiguous run of stored records from the
//    first offset >= the requested one, capped by poll_msgs_per_key_max;
//  - committed offsets never move backwards, and uncommitted keys are omitted.
// rapidcheck shrinks a failure to a minimal sequence of operations.
//
// A second property drives KafkaLog directly as the multi-node strategies do:
// append, append_at past a random gap, insert at any offset (filling gaps,
// or refused when taken), with integer (int64 extremes included) and JSON
// messages mixed, against a std::map per key. One key starts filled with runs
// and gaps over two chunks and more, so that inserts into its gaps move
// records (and their text bitmaps) across chunk boundaries.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/json_codec.h"
#include "core/kafka/log.h"
#include "core/kafka/record_store.h"
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

// --- KafkaLog with gaps and mixed messages, against std::map ------------------

enum class LogOpKind { kAppend, kAppendAt, kInsert, kRead, kCommit };

struct LogOp {
  LogOpKind kind;
  int key;       // index into kKeys (two keys: "a" and "b")
  int64_t at;    // append_at: the gap; insert: an offset near the key's records; read: from
  int64_t size;  // read: count_max; append/insert: a run of that many consecutive offsets
  int value;     // picks the message
};

std::ostream& operator<<(std::ostream& os, const LogOp& op) {
  static const char* kNames[] = {"append", "append_at", "insert", "read", "commit"};
  return os << kNames[static_cast<int>(op.kind)] << "(" << kKeys[op.key] << ", at " << op.at
            << ", size " << op.size << ", value " << op.value << ")";
}

// Offsets span a little over two chunks so that boundaries are crossed.
constexpr int64_t kSpan = 2 * static_cast<int64_t>(kafka::RecordStore::kChunkWords) + 100;

rc::Gen<LogOp> gen_log_op() {
  return rc::gen::map(
      rc::gen::tuple(
          rc::gen::inRange(0, 5), rc::gen::inRange(0, 2),
          rc::gen::oneOf(rc::gen::inRange<int64_t>(-3, 8), rc::gen::inRange<int64_t>(0, kSpan)),
          rc::gen::oneOf(rc::gen::inRange<int64_t>(1, 4), rc::gen::inRange<int64_t>(1, 64)),
          rc::gen::inRange(0, 1000)),
      [](const std::tuple<int, int, int64_t, int64_t, int>& t) {
        return LogOp{static_cast<LogOpKind>(std::get<0>(t)), std::get<1>(t), std::get<2>(t),
                     std::get<3>(t), std::get<4>(t)};
      });
}

// Integers (the int64 extremes among them) and JSON texts of several sizes.
Value log_message(int value, int64_t offset) {
  switch (value % 5) {
    case 0:
      return Value(std::numeric_limits<int64_t>::min() + (offset & 7));
    case 1:
      return Value(std::numeric_limits<int64_t>::max() - (offset & 7));
    case 2:
      return Value(int64_t{value} * 1000 + offset);
    case 3:
      return Value::from_json_text("\"" + std::to_string(offset) + "\"");
    default:
      return Value::from_json_text("{\"v\":\"" + std::string(static_cast<size_t>(value), 'x') +
                                   "\",\"o\":" + std::to_string(offset) + "}");
  }
}

using LogModel = std::map<std::string, std::map<int64_t, Value>>;

void check_read(const kafka::KafkaLog& log, const LogModel& model, const std::string& key,
                int64_t from, size_t count_max) {
  std::vector<Record> got;
  const size_t count = log.read(key, from, count_max, got);
  RC_ASSERT(count == got.size());
  std::vector<Record> expected;
  if (const auto it = model.find(key); it != model.end()) {
    for (auto r = it->second.lower_bound(from);
         r != it->second.end() && expected.size() < count_max; ++r) {
      expected.push_back(Record{r->first, r->second});
    }
  }
  RC_ASSERT(got.size() == expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    RC_ASSERT(got[i].offset == expected[i].offset);
    RC_ASSERT(got[i].msg == expected[i].msg);
  }
}

// Fills key "a" as the multi-node strategies leave a log: runs of consecutive
// offsets (lengths from `runs`) with gaps between them, up to kSpan, so that
// later inserts land in gaps in front of thousands of records, across chunks.
void prefill(kafka::KafkaLog& log, LogModel& model,
             const std::vector<std::pair<int64_t, int64_t>>& runs) {
  auto& records = model[kKeys[0]];
  int64_t offset = 0;
  for (const auto& [gap, length] : runs) {
    offset += gap;
    for (int64_t i = 0; i < length && offset < kSpan; ++i, ++offset) {
      const Value msg = log_message(static_cast<int>(offset % 1000), offset);
      RC_ASSERT(log.append_at(kKeys[0], offset, msg));
      records.emplace(offset, msg);
    }
  }
}

RC_GTEST_PROP(KafkaLogProperty, GapsAndMixedMessagesAgreeWithAMap, ()) {
  const auto runs = *rc::gen::container<std::vector<std::pair<int64_t, int64_t>>>(
      rc::gen::pair(rc::gen::inRange<int64_t>(1, 100), rc::gen::inRange<int64_t>(1, 400)));
  const auto ops = *rc::gen::container<std::vector<LogOp>>(gen_log_op());
  kafka::KafkaLog log;
  LogModel model;
  prefill(log, model, runs);
  std::map<std::string, int64_t> committed;
  for (const LogOp& op : ops) {
    const std::string& key = kKeys[op.key];
    auto& records = model[key];
    const int64_t next = records.empty() ? 0 : records.rbegin()->first + 1;
    RC_ASSERT(log.next_offset(key) == next);
    switch (op.kind) {
      case LogOpKind::kAppend:
        for (int64_t i = 0; i < op.size; ++i) {
          const Value msg = log_message(op.value, next + i);
          RC_ASSERT(log.append(key, msg) == next + i);
          records.emplace(next + i, msg);
        }
        break;
      case LogOpKind::kAppendAt: {
        const int64_t offset = next + op.at;  // a gap of op.at, or refused when op.at < 0
        const Value msg = log_message(op.value, offset);
        const bool stored = log.append_at(key, offset, msg);
        RC_ASSERT(stored == (records.empty() || offset >= next));
        if (stored) records.emplace(offset, msg);
        break;
      }
      case LogOpKind::kInsert:
        for (int64_t offset = op.at; offset < op.at + op.size; ++offset) {
          const Value msg = log_message(op.value, offset);
          RC_ASSERT(log.insert(key, offset, msg) == !records.contains(offset));
          records.emplace(offset, msg);  // keeps the first message if taken
        }
        break;
      case LogOpKind::kRead:
        // A size of 1 stands for "everything", as raft's snapshot reads.
        check_read(log, model, key, op.at, op.size == 1 ? SIZE_MAX : static_cast<size_t>(op.size));
        break;
      case LogOpKind::kCommit: {
        log.commit(key, op.at);
        auto [it, fresh] = committed.try_emplace(key, op.at);
        if (!fresh) it->second = std::max(it->second, op.at);
        RC_ASSERT(log.committed(key) == std::optional<int64_t>(it->second));
        break;
      }
    }
    RC_ASSERT(log.contains(key, op.at) == records.contains(op.at));
    log.check_invariants();
  }
  RC_CLASSIFY(log.record_count() > kafka::RecordStore::kChunkWords, "over a chunk");
  size_t count = 0;
  for (const auto& [key, records] : model) {
    count += records.size();
    check_read(log, model, key, std::numeric_limits<int64_t>::min(), records.size() + 1);
  }
  RC_ASSERT(log.record_count() == count);
}

}  // namespace
}  // namespace eddy::core
