// ClusterRouter: a Maelstrom network of N real eddy-node processes in a
// test, with links that can be cut and, optionally, Maelstrom's lin-kv
// service. TwoNodeRouter is its two-node form with lin-kv, for the kafka
// strategies.
//
//   ClusterRouter cluster(3, {"--strategy", "raft"});
//   cluster.init();                            // n0..n2, node_ids [n0, n1, n2]
//   json reply = cluster.call("c1", "n1", {{"type", "write"}, ...}, Ms(2'000));
//   cluster.isolate(2);                        // n2 <-> others dropped, both ways
//   cluster.heal();
//
//   TwoNodeRouter router("gossip");            // n0 and n1, with lin-kv
//   router.set_link_up(false);                 // drop node <-> node traffic
//
// The router owns the children, reads every line any writes (one poll()
// over all their stdout and stderr, never blocking on one), and routes it by
// `dest`:
//  - another node: written to its stdin, unless a cut separates them
//    (dropped; clients still reach every node, as in Maelstrom's
//    partitions);
//  - "lin-kv", when the router has the service: answered in process by the
//    simulated service (sim/services/lin_kv.h), the way Maelstrom's
//    service.clj answers: from "lin-kv", to the request's src, in_reply_to
//    its msg_id, no msg_id;
//  - a client ("c..."): kept until the test takes it with take_reply().
// Replies are checked as Maelstrom's client would: a reply to a pending
// request, from the node it went to, with an integer msg_id; a node's
// msg_ids increase. Anything else (a line that is not a JSON object, an
// unknown dest, a reply to no request) fails the test. Every wait has a
// deadline, and the children are killed when the router goes away
// (NodeProcess's destructor) if finish() did not end them first.
//
// Raft observation (no access to the nodes' state: the wire only): each
// {"type":"raft","kind":"append"} names its sender as the leader of its term.
// Two senders of appends in one term would break election safety and fail
// the test; observed_leader() is the sender of the highest term seen.
#pragma once

#include <gtest/gtest.h>
#include <poll.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/json_codec.h"
#include "core/limits.h"
#include "core/message.h"
#include "core/random.h"
#include "node_process.h"
#include "sim/services/service.h"

namespace eddy::testing {

using nlohmann::json;

class ClusterRouter {
 public:
  using Clock = std::chrono::steady_clock;
  using Ms = std::chrono::milliseconds;

  struct Stats {
    int64_t node_to_node = 0;  // delivered between nodes
    int64_t dropped = 0;       // node <-> node lines dropped by a cut
    int64_t lin_kv = 0;        // requests the lin-kv service handled
    int64_t to_clients = 0;    // lines delivered to the test's clients
  };

  // Starts n0..n<count-1> as `eddy-node <args>`; all are killed after
  // `lifetime` whatever happens. `lin_kv`: answer lines to "lin-kv" (else
  // such a line fails the test).
  ClusterRouter(size_t count, const std::vector<std::string>& args, Ms lifetime = Ms(60'000),
                bool lin_kv = false)
      : lin_kv_(lin_kv ? sim::make_service("lin-kv") : nullptr),
        rng_(0x5eed),
        write_failed_(count, false),
        reported_dead_(count, false),
        last_msg_id_(count, 0) {
    for (size_t i = 0; i < count; ++i) {
      // EDDY_STRATEGY must not override --strategy from the shell's environment.
      nodes_.push_back(std::make_unique<NodeProcess>(
          EDDY_NODE_BIN, args, NodeProcess::EnvChanges{{"EDDY_STRATEGY", std::nullopt}}, lifetime));
    }
  }

  size_t size() const { return nodes_.size(); }
  static std::string node_name(size_t index) { return "n" + std::to_string(index); }
  NodeProcess& node(size_t index) { return *nodes_.at(index); }
  const Stats& stats() const { return stats_; }
  int64_t dropped() const { return stats_.dropped; }

  // Cuts every link between `index` and the other nodes, both ways; clients
  // (and lin-kv) still reach it (Maelstrom's partitions cut node links only).
  void isolate(size_t index) { isolated_.insert(index); }
  void heal() { isolated_.clear(); }

  // The node that sent appends in the highest term seen, and that term;
  // nullopt before any append.
  std::optional<std::pair<size_t, int64_t>> observed_leader() const {
    if (appender_of_term_.empty()) return std::nullopt;
    const auto& [term, index] = *appender_of_term_.rbegin();
    return std::make_pair(index, term);
  }

  // Sends init to every node (from c0) and waits for every init_ok. Returns
  // false (with a test failure) if one did not come.
  bool init(Ms timeout = Ms(2'000)) {
    json node_ids = json::array();
    for (size_t i = 0; i < size(); ++i) node_ids.push_back(node_name(i));
    std::vector<int64_t> ids;
    for (size_t i = 0; i < size(); ++i) {
      ids.push_back(
          send_request("c0", node_name(i),
                       json{{"type", "init"}, {"node_id", node_name(i)}, {"node_ids", node_ids}}));
    }
    bool ok = true;
    for (size_t i = 0; i < size(); ++i) {
      const json reply = await_reply("c0", ids[i], timeout);
      if (reply.is_null() || reply.value("type", json()) != "init_ok") {
        ADD_FAILURE() << node_name(i) << " did not answer init with init_ok: " << reply << "\n"
                      << diagnostics();
        ok = false;
      }
    }
    return ok;
  }

  // Writes a request from `client` to `node_id` with a fresh msg_id (per
  // client); returns the msg_id.
  int64_t send_request(const std::string& client, const std::string& node_id, json body) {
    const int64_t id = ++client_msg_ids_[client];
    body["msg_id"] = id;
    const json message{{"src", client}, {"dest", node_id}, {"body", std::move(body)}};
    pending_[{client, id}] = node_id;
    deliver(index_of(node_id), message.dump() + "\n");
    return id;
  }

  // The client gives up on (client, msg_id), as Maelstrom's does after its
  // timeout: a reply that comes later is kept in late_replies(), not failed.
  void abandon(const std::string& client, int64_t msg_id) {
    const auto it = pending_.find({client, msg_id});
    if (it == pending_.end()) return;
    abandoned_.insert(*it);
    pending_.erase(it);
  }
  // Replies to abandoned requests: ((client, msg_id), body).
  const std::vector<std::pair<std::pair<std::string, int64_t>, json>>& late_replies() const {
    return late_replies_;
  }

  // The reply body to (client, msg_id) if it has arrived (and forgets it).
  std::optional<json> take_reply(const std::string& client, int64_t msg_id) {
    const auto it = replies_.find({client, msg_id});
    if (it == replies_.end()) return std::nullopt;
    json body = std::move(it->second);
    replies_.erase(it);
    return body;
  }

  // Routes traffic until the reply to (client, msg_id) arrives; null (no test
  // failure: the caller decides) if it did not within `timeout`, or if it no
  // longer can (its node is gone).
  json await_reply(const std::string& client, int64_t msg_id, Ms timeout) {
    const auto until = Clock::now() + timeout;
    while (true) {
      if (auto body = take_reply(client, msg_id)) return std::move(*body);
      const auto now = Clock::now();
      if (now >= until || gone(client, msg_id)) return nullptr;
      pump(std::chrono::duration_cast<Ms>(until - now) + Ms(1));
    }
  }

  // Whether the reply to (client, msg_id) can no longer come: the node it
  // went to has closed its stdout and everything it wrote was routed.
  bool gone(const std::string& client, int64_t msg_id) const {
    const auto it = pending_.find({client, msg_id});
    if (it == pending_.end()) return false;
    const NodeProcess& node = *nodes_[index_of(it->second)];
    return node.stdout_fd() < 0 && node.unread_stdout().find('\n') == std::string::npos;
  }

  // A request and its reply body (null if none came in time).
  json call(const std::string& client, const std::string& node_id, json body,
            Ms timeout = Ms(2'000)) {
    return await_reply(client, send_request(client, node_id, std::move(body)), timeout);
  }

  // Routes everything the nodes write for `duration`.
  void run_for(Ms duration) {
    const auto until = Clock::now() + duration;
    for (auto now = Clock::now(); now < until; now = Clock::now()) {
      pump(std::chrono::duration_cast<Ms>(until - now) + Ms(1));
    }
  }

  // One step: routes every line already read; if there was none, waits (one
  // poll() over all children, at most `max_wait`) for output and routes it.
  void pump(Ms max_wait) {
    if (route_buffered()) return;
    std::vector<pollfd> fds;
    for (const auto& node : nodes_) {
      fds.push_back(pollfd{node->stdout_fd(), POLLIN, 0});
      fds.push_back(pollfd{node->stderr_fd(), POLLIN, 0});
    }
    // poll() skips negative fds; with every fd closed it just sleeps.
    const int ready =
        ::poll(fds.data(), fds.size(), static_cast<int>(std::max<int64_t>(1, max_wait.count())));
    if (ready > 0) {
      for (size_t i = 0; i < size(); ++i) {
        if (fds[2 * i].revents != 0 || fds[2 * i + 1].revents != 0) nodes_[i]->pump_once(Ms(1));
      }
    }
    route_buffered();
    check_alive();
  }

  // Closes every node's stdin and expects each to exit 0 within `timeout`
  // (killed otherwise).
  void finish(Ms timeout = Ms(3'000)) {
    finished_ = true;
    for (auto& node : nodes_) node->close_stdin();
    for (size_t i = 0; i < size(); ++i) {
      const NodeProcess::Exit exit = nodes_[i]->finish(timeout);
      EXPECT_TRUE(exit.ok()) << node_name(i) << " " << exit.describe() << "; stderr:\n"
                             << tail(nodes_[i]->stderr_text());
    }
  }

  // The end of every node's stderr, for failure messages.
  std::string diagnostics() const {
    std::string out;
    for (size_t i = 0; i < size(); ++i) {
      out += "--- " + node_name(i) + " stderr (end) ---\n" + tail(nodes_[i]->stderr_text()) + "\n";
    }
    return out;
  }

 private:
  using ReplyKey = std::pair<std::string, int64_t>;  // (client, in_reply_to)

  static std::string tail(const std::string& text, size_t max = 4'000) {
    return text.size() <= max ? text : "..." + text.substr(text.size() - max);
  }

  size_t index_of(const std::string& node_id) const {
    for (size_t i = 0; i < size(); ++i) {
      if (node_name(i) == node_id) return i;
    }
    ADD_FAILURE() << "no node named " << node_id;
    return 0;
  }

  void deliver(size_t index, const std::string& bytes) {
    if (!nodes_[index]->write(bytes, Ms(2'000)) && !write_failed_[index]) {
      write_failed_[index] = true;
      ADD_FAILURE() << "could not write to " << node_name(index) << "\n" << diagnostics();
    }
  }

  void check_alive() {
    for (size_t i = 0; i < size(); ++i) {
      if (!finished_ && !reported_dead_[i] && nodes_[i]->stdout_fd() < 0) {
        reported_dead_[i] = true;
        ADD_FAILURE() << node_name(i) << " closed its stdout (exited?)\n" << diagnostics();
      }
    }
  }

  // Routes every complete line the children have written so far (a delivery
  // may read more of them); returns whether there was any.
  bool route_buffered() {
    bool any = false;
    for (bool more = true; more;) {
      more = false;
      for (size_t i = 0; i < size(); ++i) {
        while (auto line = nodes_[i]->read_line(Ms(0))) {
          route(i, *line);
          more = any = true;
        }
      }
    }
    return any;
  }

  void route(size_t from, const std::string& line) {
    const std::string src = node_name(from);
    const json message = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (message.is_discarded() || !message.is_object() || !message.contains("dest") ||
        !message["dest"].is_string() || !message.contains("body") || !message["body"].is_object()) {
      ADD_FAILURE() << src << " wrote a line that is not a message: " << line;
      return;
    }
    EXPECT_EQ(message.value("src", json()), json(src)) << "wrong src in " << line;
    const json& body = message["body"];
    // A node numbers its own messages: integers, strictly increasing.
    if (body.contains("msg_id")) {
      const json& id = body["msg_id"];
      EXPECT_TRUE(id.is_number_integer() && id.get<int64_t>() > last_msg_id_[from])
          << src << "'s msg_ids must be increasing integers: " << line;
      if (id.is_number_integer()) last_msg_id_[from] = id.get<int64_t>();
    }
    const std::string dest = message["dest"].get<std::string>();
    if (dest == "lin-kv" && lin_kv_) return answer_lin_kv(from, line);
    if (dest.starts_with("c")) return to_client(src, dest, message, line);
    for (size_t to = 0; to < size(); ++to) {
      if (dest != node_name(to)) continue;
      if (to == from) {
        ADD_FAILURE() << src << " sent a message to itself: " << line;
        return;
      }
      observe_raft(from, body);
      if (isolated_.contains(from) || isolated_.contains(to)) {
        ++stats_.dropped;
      } else {
        ++stats_.node_to_node;
        deliver(to, line + "\n");
      }
      return;
    }
    ADD_FAILURE() << src << " sent to an unknown destination: " << line;
  }

  // Election safety as seen on the wire: one sender of appends per term.
  void observe_raft(size_t from, const json& body) {
    if (body.value("type", json()) != "raft" || body.value("kind", json()) != "append") return;
    const int64_t term = body.value("term", int64_t{0});
    const auto [it, inserted] = appender_of_term_.emplace(term, from);
    EXPECT_EQ(it->second, from) << "two leaders in term " << term << ": " << node_name(it->second)
                                << " and " << node_name(from);
  }

  void answer_lin_kv(size_t from, const std::string& line) {
    core::DecodeResult decoded = core::decode_line(line, core::Limits{});
    if (!decoded) {
      ADD_FAILURE() << node_name(from) << " sent lin-kv a message it cannot decode ("
                    << decoded.error().text << "): " << line;
      return;
    }
    core::Message request = std::move(decoded).value();
    ++stats_.lin_kv;
    std::optional<core::Body> reply = lin_kv_->handle(request, rng_);
    if (!reply) {
      ADD_FAILURE() << "lin-kv does not answer: " << line;
      return;
    }
    const core::Message answer{"lin-kv", request.src, std::nullopt, request.msg_id,
                               std::move(*reply)};
    deliver(from, core::encode_line(answer));
  }

  void to_client(const std::string& src, const std::string& client, const json& message,
                 const std::string& line) {
    ++stats_.to_clients;
    const json& body = message["body"];
    EXPECT_EQ(keys_of(message), (std::set<std::string>{"src", "dest", "body"})) << line;
    if (!body.contains("type") || !body["type"].is_string()) {
      ADD_FAILURE() << "a reply without a type: " << line;
    }
    if (!body.contains("in_reply_to") || !body["in_reply_to"].is_number_integer() ||
        !body.contains("msg_id") || !body["msg_id"].is_number_integer()) {
      ADD_FAILURE() << src << " sent client " << client
                    << " something that is no reply (an integer msg_id and in_reply_to): " << line;
      return;
    }
    const ReplyKey key{client, body["in_reply_to"].get<int64_t>()};
    if (const auto late = abandoned_.find(key); late != abandoned_.end()) {
      EXPECT_EQ(late->second, src) << "the reply comes from another node: " << line;
      abandoned_.erase(late);
      late_replies_.emplace_back(key, body);
      return;
    }
    const auto pending = pending_.find(key);
    if (pending == pending_.end()) {
      ADD_FAILURE() << src << " answered a request that is not pending (a second reply?): " << line;
      return;
    }
    EXPECT_EQ(pending->second, src)
        << "the reply comes from another node than the request went to: " << line;
    pending_.erase(pending);
    replies_[key] = body;
  }

  static std::set<std::string> keys_of(const json& object) {
    std::set<std::string> keys;
    for (const auto& item : object.items()) keys.insert(item.key());
    return keys;
  }

  std::vector<std::unique_ptr<NodeProcess>> nodes_;
  std::unique_ptr<sim::Service> lin_kv_;  // null: no lin-kv service
  core::Rng rng_;
  std::set<size_t> isolated_;
  std::map<int64_t, size_t> appender_of_term_;  // term -> the node that sent appends
  bool finished_ = false;
  std::vector<bool> write_failed_;
  std::vector<bool> reported_dead_;
  std::vector<int64_t> last_msg_id_;
  std::map<std::string, int64_t> client_msg_ids_;
  std::map<ReplyKey, std::string> pending_;  // request -> the node it went to
  std::map<ReplyKey, json> replies_;
  std::map<ReplyKey, std::string> abandoned_;  // given up on -> the node it went to
  std::vector<std::pair<ReplyKey, json>> late_replies_;
  Stats stats_;
};

// Two nodes (n0, n1) of a kafka strategy with Maelstrom's lin-kv service.
class TwoNodeRouter : public ClusterRouter {
 public:
  // Starts n0 and n1 as `eddy-node --strategy <strategy> <extra_args>`; both
  // are killed after `lifetime` whatever happens.
  explicit TwoNodeRouter(const std::string& strategy, std::vector<std::string> extra_args = {},
                         Ms lifetime = Ms(15'000))
      : ClusterRouter(2, args_of(strategy, std::move(extra_args)), lifetime, /*lin_kv=*/true) {}

  // While down, every line from one node to the other is dropped (a
  // partition); the nodes still reach lin-kv and their clients.
  void set_link_up(bool up) {
    if (up) {
      heal();
    } else {
      isolate(0);
    }
    link_up_ = up;
  }
  bool link_up() const { return link_up_; }

 private:
  static std::vector<std::string> args_of(const std::string& strategy,
                                          std::vector<std::string> extra) {
    std::vector<std::string> args{"--strategy", strategy};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  bool link_up_ = true;
};

}  // namespace eddy::testing
