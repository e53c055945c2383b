// read_maelstrom_kafka_history (maelstrom_store.h): a Maelstrom kafka store's
// history.edn as a History.
//
// Jepsen's kafka ops carry one micro-op each in Maelstrom (workload/kafka.clj,
// docs/maelstrom-semantics.md section 4.3): the :value is [[:send k v]],
// [[:send k [offset v]]], [[:poll]] or [[:poll {k [[offset v] ...]}]]; an
// assign's is the key list. Every op is converted on its own, except that a
// completion without a :value takes its arguments from the invocation in
// flight on its process, so the in-flight invocations are tracked.
#include <string>
#include <unordered_map>
#include <utility>

#include "checker/maelstrom_op.h"
#include "checker/maelstrom_store.h"

namespace eddy::checker {
namespace {

using detail::fail_at;
using detail::found;
using detail::is_sequence;
using detail::JepsenOp;

std::string key_of(EdnValue key, std::string_view field) {
  if (key.is(EdnKind::kString)) return std::string(key.text());
  // Maelstrom's StringKeys wrapper turns integer keys into (str k).
  if (key.is(EdnKind::kInteger)) return std::to_string(key.integer());
  fail_at(key, std::string(field) + ": a key must be a string or an integer, " + found(key));
}

int64_t message_of(EdnValue message) {
  return message.is(EdnKind::kInteger) ? message.integer() : kNonIntegerValue;
}

int64_t offset_of(EdnValue offset, std::string_view field) {
  if (!offset.is(EdnKind::kInteger)) {
    fail_at(offset, std::string(field) + ": an offset must be an integer, " + found(offset));
  }
  return offset.integer();
}

// The op's one micro-op [:f ...], checked to have `arguments_min` to
// `arguments_max` arguments after :f.
EdnValue micro_op(EdnValue value, std::string_view f, size_t arguments_min, size_t arguments_max) {
  const auto field = [&] { return ":value of :" + std::string(f); };
  if (!is_sequence(value) || value.size() != 1) {
    fail_at(value,
            field() + ": expected one micro-op, [[:" + std::string(f) + " ...]], " + found(value));
  }
  const EdnValue op = value.child(0);
  if (!is_sequence(op) || op.size() == 0 || !op.child(0).is_keyword(f)) {
    fail_at(op, field() + ": expected a micro-op [:" + std::string(f) + " ...], " + found(op));
  }
  if (op.size() - 1 < arguments_min || op.size() - 1 > arguments_max) {
    fail_at(op, field() + ": wrong number of arguments, " + found(op));
  }
  return op;
}

void read_send(EdnValue value, Op& op) {
  const EdnValue send = micro_op(value, "send", 2, 2);
  op.key = key_of(send.child(1), ":value of :send");
  const EdnValue message = send.child(2);
  // Completions write [offset message] where the invocation had the message.
  if (op.type != OpType::kInvoke && is_sequence(message) && message.size() == 2) {
    op.offset = offset_of(message.child(0), ":value of :send");
    op.value = message_of(message.child(1));
  } else {
    op.value = message_of(message);
  }
  if (op.type == OpType::kOk && !op.offset) {
    fail_at(send, ":value of an :ok :send: expected [:send key [offset message]], " + found(send));
  }
}

void read_poll(EdnValue value, Op& op) {
  const EdnValue poll = micro_op(value, "poll", 0, 1);
  if (poll.size() < 2 || poll.child(1).is_nil()) return;
  const EdnValue msgs = poll.child(1);
  if (!msgs.is(EdnKind::kMap)) {
    fail_at(msgs, ":value of :poll: expected {key [[offset message] ...]}, " + found(msgs));
  }
  const auto children = msgs.children();
  for (auto it = children.begin(); it != children.end();) {
    PolledKey& polled = op.polled.emplace_back();
    polled.key = key_of(*it, ":value of :poll");
    ++it;
    const EdnValue records = *it;
    ++it;
    if (records.is_nil()) continue;
    if (!is_sequence(records)) {
      fail_at(records, ":value of :poll: expected [[offset message] ...], " + found(records));
    }
    polled.records.reserve(records.size());
    for (const EdnValue record : records.children()) {
      if (!is_sequence(record) || record.size() != 2) {
        fail_at(record, ":value of :poll: expected [offset message], " + found(record));
      }
      polled.records.push_back(
          PolledRecord{offset_of(record.child(0), ":value of :poll"), message_of(record.child(1))});
    }
  }
}

void read_assign(const JepsenOp& jepsen, EdnValue value, Op& op) {
  if (!is_sequence(value)) fail_at(value, ":value of :assign: expected [key ...], " + found(value));
  op.keys.reserve(value.size());
  for (const EdnValue key : value.children()) op.keys.push_back(key_of(key, ":value of :assign"));
  // Jepsen's `true?`: anything but true is false.
  op.seek_to_beginning = jepsen.seek_to_beginning &&
                         jepsen.seek_to_beginning->is(EdnKind::kBoolean) &&
                         jepsen.seek_to_beginning->boolean();
}

class KafkaImport {
 public:
  void add(const JepsenOp& jepsen) {
    Op& op = history_.emplace_back();
    op.index = static_cast<int64_t>(history_.size()) - 1;
    op.time_us = jepsen.time_us;
    op.process = jepsen.process;
    op.type = jepsen.type;
    if (jepsen.is_nemesis()) {
      // Jepsen's nemesis ops are all :info, start and end of each action alike.
      op.type = OpType::kInfo;
      op.f = OpF::kNemesis;
      op.nemesis = detail::nemesis_text(jepsen);
      return;
    }
    const auto f = op_f_from(jepsen.f.text());
    if (!f || *f == OpF::kNemesis) {
      fail_at(jepsen.f, ":f :" + std::string(jepsen.f.text()) +
                            " is not a kafka operation (send, poll, assign, crash)");
    }
    op.f = *f;
    if (jepsen.error && !jepsen.error->is_nil()) op.error = detail::error_text(*jepsen.error);
    const std::optional<size_t> invocation = pair_with_invocation(op);
    const std::optional<EdnValue> value = jepsen.given_value();
    if (!value) {
      if (op.f == OpF::kSend && op.type == OpType::kOk) {
        fail_at(jepsen.map, "an :ok :send needs a :value [[:send key [offset message]]]");
      }
      if (invocation) {
        copy_arguments(history_[*invocation], op);
      } else if (op.f == OpF::kSend || op.f == OpF::kAssign) {
        fail_at(jepsen.map, "a :" + std::string(jepsen.f.text()) +
                                " op needs a :value (or an invocation to take it from)");
      }
      return;
    }
    switch (op.f) {
      case OpF::kSend:
        read_send(*value, op);
        break;
      case OpF::kPoll:
        read_poll(*value, op);
        break;
      case OpF::kAssign:
        read_assign(jepsen, *value, op);
        break;
      case OpF::kCrash:
      case OpF::kNemesis:
        break;
    }
  }

  void reserve(size_t ops) { history_.reserve(ops); }
  History take() { return std::move(history_); }

 private:
  // Notes an invocation in flight, or finds (and ends) the one a completion
  // completes.
  std::optional<size_t> pair_with_invocation(const Op& op) {
    const size_t position = history_.size() - 1;
    if (op.type == OpType::kInvoke) {
      in_flight_[op.process] = position;
      return std::nullopt;
    }
    const auto it = in_flight_.find(op.process);
    if (it == in_flight_.end()) return std::nullopt;
    const size_t invocation = it->second;
    in_flight_.erase(it);
    if (history_[invocation].f != op.f) return std::nullopt;
    return invocation;
  }

  static void copy_arguments(const Op& invocation, Op& op) {
    op.key = invocation.key;
    op.value = invocation.value;
    op.keys = invocation.keys;
    op.seek_to_beginning = invocation.seek_to_beginning;
  }

  History history_;
  std::unordered_map<int64_t, size_t> in_flight_;
};

}  // namespace

core::Result<History, std::string> read_maelstrom_kafka_history(std::istream& in,
                                                                const EdnLimits& limits) {
  KafkaImport import;
  import.reserve(detail::ops_ahead(in));
  try {
    detail::for_each_jepsen_op(in, limits, [&](const JepsenOp& op) { import.add(op); });
  } catch (const detail::ImportError& error) {
    return core::Err{error.text};
  }
  return import.take();
}

}  // namespace eddy::checker
