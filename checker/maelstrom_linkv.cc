// read_maelstrom_linkv_history (maelstrom_store.h): a Maelstrom lin-kv
// store's history.edn as a LinKvHistory.
//
// Maelstrom's lin-kv workload (workload/lin_kv.clj) runs Jepsen's
// `independent` registers: :value [k v] with v nil (read invocation), the
// value read, the value written or [from to] (cas). A Knossos-style single
// register history has no key: nil / 3 / [4 1]. Each op's style follows from
// its own shape. Arguments come from the invocation: a completion's :value
// may be anything (Jepsen copies it, a client may write :timed-out), so only
// an ok read's value is read from the completion. Invocations in flight are
// tracked per process to find them.
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
using detail::json_value_of;

core::Value json_null() { return core::Value::from_json_text("null"); }

bool is_pair(EdnValue value) { return is_sequence(value) && value.size() == 2; }

// A read's key: [k v] is a tuple; nil or a scalar is an untupled read.
core::Value read_key_of(std::optional<EdnValue> value) {
  if (!value || !value->is_collection()) return json_null();
  if (!is_pair(*value)) {
    fail_at(*value, ":value of :read: expected [key value], nil or a scalar, " + found(*value));
  }
  return json_value_of(value->child(0), "the key of :read");
}

// A write's key and value: [k v], or a scalar (untupled).
std::pair<core::Value, core::Value> write_arguments_of(std::optional<EdnValue> value,
                                                       const JepsenOp& jepsen) {
  if (!value) fail_at(jepsen.map, "a :write op needs a :value");
  if (is_pair(*value)) {
    return {json_value_of(value->child(0), "the key of :write"),
            json_value_of(value->child(1), ":value of :write")};
  }
  if (value->is_collection()) {
    fail_at(*value, ":value of :write: expected [key value] or a scalar, " + found(*value));
  }
  return {json_null(), json_value_of(*value, ":value of :write")};
}

struct CasArguments {
  core::Value key;
  core::Value from;
  core::Value to;
};

// A cas's key, from and to: [k [from to]], or [from to] of scalars.
CasArguments cas_arguments_of(std::optional<EdnValue> value, const JepsenOp& jepsen) {
  if (!value) fail_at(jepsen.map, "a :cas op needs a :value");
  if (is_pair(*value)) {
    const EdnValue first = value->child(0);
    const EdnValue second = value->child(1);
    if (!first.is_collection() && is_pair(second)) {
      return {json_value_of(first, "the key of :cas"),
              json_value_of(second.child(0), "the from of :cas"),
              json_value_of(second.child(1), "the to of :cas")};
    }
    if (!first.is_collection() && !second.is_collection()) {
      return {json_null(), json_value_of(first, "the from of :cas"),
              json_value_of(second, "the to of :cas")};
    }
  }
  fail_at(*value, ":value of :cas: expected [key [from to]] or [from to], " + found(*value));
}

class LinKvImport {
 public:
  void add(const JepsenOp& jepsen) {
    LinKvOp& op = history_.emplace_back();
    op.index = static_cast<int64_t>(history_.size()) - 1;
    op.time_us = jepsen.time_us;
    op.process = jepsen.process;
    op.type = jepsen.type;
    if (jepsen.is_nemesis()) {
      op.type = OpType::kInfo;
      op.f = LinKvF::kNemesis;
      op.nemesis = detail::nemesis_text(jepsen);
      return;
    }
    const auto f = linkv_f_from(jepsen.f.text());
    if (!f || *f == LinKvF::kNemesis) {
      fail_at(jepsen.f, ":f :" + std::string(jepsen.f.text()) +
                            " is not a lin-kv operation (read, write, cas)");
    }
    op.f = *f;
    if (jepsen.error && !jepsen.error->is_nil()) {
      op.error = detail::error_text(*jepsen.error);
      op.error_code = detail::error_code_of(*jepsen.error);
    }
    const std::optional<size_t> invocation = pair_with_invocation(op);
    if (invocation) {
      const LinKvOp& invoked = history_[*invocation];
      op.key = invoked.key;
      op.from = invoked.from;
      op.to = invoked.to;
      if (op.f == LinKvF::kWrite) op.value = invoked.value;
    } else {
      read_arguments(jepsen, op);
    }
    if (op.f == LinKvF::kRead && op.type == OpType::kOk) read_value(jepsen, op, !invocation);
  }

  void reserve(size_t ops) { history_.reserve(ops); }
  LinKvHistory take() { return std::move(history_); }

 private:
  // The key and arguments an op carries itself (an invocation, or a
  // completion with no invocation to take them from).
  static void read_arguments(const JepsenOp& jepsen, LinKvOp& op) {
    switch (op.f) {
      case LinKvF::kRead:
        // An ok read's key comes with its value (read_value).
        if (op.type != OpType::kOk) op.key = read_key_of(jepsen.given_value());
        break;
      case LinKvF::kWrite: {
        auto [key, value] = write_arguments_of(jepsen.value, jepsen);
        op.key = std::move(key);
        op.value = std::move(value);
        break;
      }
      case LinKvF::kCas: {
        CasArguments arguments = cas_arguments_of(jepsen.given_value(), jepsen);
        op.key = std::move(arguments.key);
        op.from = std::move(arguments.from);
        op.to = std::move(arguments.to);
        break;
      }
      case LinKvF::kNemesis:
        break;
    }
  }

  // An ok read's value: [k v] (a tuple) or the value itself (untupled); nil
  // is JSON null.
  static void read_value(const JepsenOp& jepsen, LinKvOp& op, bool take_key) {
    // Missing is not nil: a read that returned nothing would be a claim that
    // the key held nothing, which the history does not make.
    if (!jepsen.value) fail_at(jepsen.map, "an :ok :read needs a :value");
    const EdnValue value = *jepsen.value;
    if (is_pair(value)) {
      if (take_key) op.key = json_value_of(value.child(0), "the key of :read");
      op.value = json_value_of(value.child(1), ":value of :read");
      return;
    }
    if (value.is_collection()) {
      fail_at(value, ":value of an :ok :read: expected [key value] or a scalar, " + found(value));
    }
    if (take_key) op.key = json_null();
    op.value = json_value_of(value, ":value of :read");
  }

  // Notes an invocation in flight, or finds (and ends) the one a completion
  // completes.
  std::optional<size_t> pair_with_invocation(const LinKvOp& op) {
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

  LinKvHistory history_;
  std::unordered_map<int64_t, size_t> in_flight_;
};

}  // namespace

core::Result<LinKvHistory, std::string> read_maelstrom_linkv_history(std::istream& in,
                                                                     const EdnLimits& limits) {
  LinKvImport import;
  import.reserve(detail::ops_ahead(in));
  try {
    detail::for_each_jepsen_op(in, limits, [&](const JepsenOp& op) { import.add(op); });
  } catch (const detail::ImportError& error) {
    return core::Err{error.text};
  }
  return import.take();
}

}  // namespace eddy::checker
