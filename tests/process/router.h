// TwoNodeRouter: a two-node Maelstrom network in a test, around real
// eddy-node processes.
//
//   TwoNodeRouter router("gossip");
//   router.init();                                   // n0 and n1, node_ids [n0, n1]
//   const int64_t id = router.send_request("c1", "n0", {{"type", "send"}, ...});
//   json reply = router.await_reply("c1", id, Ms(2'000));
//   router.set_link_up(false);                       // drop node <-> node traffic
//
// The router owns the two children, reads every line either writes (one
// poll() over both children's stdout and stderr, never blocking on one), and
// routes it by `dest`:
//  - the other node: written to its stdin, unless the link is down (dropped);
//  - "lin-kv": answered in process by the simulated service
//    (sim/services/lin_kv.h), the way Maelstrom's service.clj answers: from
//    "lin-kv", to the request's src, in_reply_to its msg_id, no msg_id;
//  - a client ("c..."): kept until the test takes it with take_reply().
// Anything else (a line that is not a JSON object, an unknown dest, a reply to
// no request) fails the test. Every wait has a deadline, and the children are
// killed when the router goes away (NodeProcess's destructor) if finish() did
// not end them first.
#pragma once

#include <gtest/gtest.h>
#include <poll.h>

#include <algorithm>
#include <array>
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

class TwoNodeRouter {
 public:
  using Clock = std::chrono::steady_clock;
  using Ms = std::chrono::milliseconds;

  static constexpr size_t kNodeCount = 2;

  struct Stats {
    int64_t node_to_node = 0;  // delivered between the nodes
    int64_t dropped = 0;       // node <-> node lines dropped while the link was down
    int64_t lin_kv = 0;        // requests the lin-kv service handled
    int64_t to_clients = 0;    // lines delivered to the test's clients
  };

  // Starts n0 and n1 as `eddy-node --strategy <strategy> <extra_args>`; both
  // are killed after `lifetime` whatever happens.
  explicit TwoNodeRouter(const std::string& strategy, std::vector<std::string> extra_args = {},
                         Ms lifetime = Ms(15'000))
      : lin_kv_(sim::make_service("lin-kv")), rng_(0x5eed) {
    std::vector<std::string> args{"--strategy", strategy};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    for (size_t i = 0; i < kNodeCount; ++i) {
      // EDDY_STRATEGY must not override --strategy from the shell's environment.
      nodes_[i] = std::make_unique<NodeProcess>(
          EDDY_NODE_BIN, args, NodeProcess::EnvChanges{{"EDDY_STRATEGY", std::nullopt}}, lifetime);
    }
  }

  static std::string node_name(size_t index) { return "n" + std::to_string(index); }
  NodeProcess& node(size_t index) { return *nodes_.at(index); }
  const Stats& stats() const { return stats_; }

  // While down, every line from one node to the other is dropped (a
  // partition); the nodes still reach lin-kv and their clients.
  void set_link_up(bool up) { link_up_ = up; }
  bool link_up() const { return link_up_; }

  // Sends init to both nodes (from client c0, node_ids [n0, n1]) and waits for
  // both init_oks. Returns false (with a test failure) if one did not come.
  bool init(Ms timeout = Ms(2'000)) {
    std::array<int64_t, kNodeCount> ids{};
    json node_ids = json::array();
    for (size_t i = 0; i < kNodeCount; ++i) node_ids.push_back(node_name(i));
    for (size_t i = 0; i < kNodeCount; ++i) {
      ids[i] =
          send_request("c0", node_name(i),
                       json{{"type", "init"}, {"node_id", node_name(i)}, {"node_ids", node_ids}});
    }
    bool ok = true;
    for (size_t i = 0; i < kNodeCount; ++i) {
      const json reply = await_reply("c0", ids[i], timeout);
      if (reply.is_null() || reply.value("type", json()) != "init_ok") {
        ADD_FAILURE() << node_name(i) << " did not answer init with init_ok: " << reply << "\n"
                      << diagnostics();
        ok = false;
      }
    }
    return ok;
  }

  // Writes a request from `client` to `node` with a fresh msg_id (per client);
  // returns the msg_id.
  int64_t send_request(const std::string& client, const std::string& node_id, json body) {
    const int64_t id = ++client_msg_ids_[client];
    body["msg_id"] = id;
    const json message{{"src", client}, {"dest", node_id}, {"body", std::move(body)}};
    pending_[{client, id}] = node_id;
    deliver(index_of(node_id), message.dump() + "\n");
    return id;
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
  // failure: the caller decides) if it did not within `timeout`.
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
  // poll() over both children, at most `max_wait`) for output and routes it.
  void pump(Ms max_wait) {
    if (route_buffered()) return;
    std::array<pollfd, 2 * kNodeCount> fds{};
    for (size_t i = 0; i < kNodeCount; ++i) {
      fds[2 * i] = pollfd{nodes_[i]->stdout_fd(), POLLIN, 0};
      fds[2 * i + 1] = pollfd{nodes_[i]->stderr_fd(), POLLIN, 0};
    }
    // poll() skips negative fds; with every fd closed it just sleeps.
    const int ready =
        ::poll(fds.data(), fds.size(), static_cast<int>(std::max<int64_t>(1, max_wait.count())));
    if (ready > 0) {
      for (size_t i = 0; i < kNodeCount; ++i) {
        if (fds[2 * i].revents != 0 || fds[2 * i + 1].revents != 0) nodes_[i]->pump_once(Ms(1));
      }
    }
    route_buffered();
    check_alive();
  }

  // Closes both nodes' stdin and expects each to exit 0 within `timeout`
  // (killed otherwise).
  void finish(Ms timeout = Ms(3'000)) {
    for (size_t i = 0; i < kNodeCount; ++i) nodes_[i]->close_stdin();
    for (size_t i = 0; i < kNodeCount; ++i) {
      const NodeProcess::Exit exit = nodes_[i]->finish(timeout);
      EXPECT_TRUE(exit.ok()) << node_name(i) << " " << exit.describe() << "; stderr:\n"
                             << tail(nodes_[i]->stderr_text());
    }
    finished_ = true;
  }

  // The end of both nodes' stderr, for failure messages.
  std::string diagnostics() const {
    std::string out;
    for (size_t i = 0; i < kNodeCount; ++i) {
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
    for (size_t i = 0; i < kNodeCount; ++i) {
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
    for (size_t i = 0; i < kNodeCount; ++i) {
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
      for (size_t i = 0; i < kNodeCount; ++i) {
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
      if (body["msg_id"].is_number_integer()) {
        EXPECT_GT(body["msg_id"].get<int64_t>(), last_msg_id_[from])
            << src << "'s msg_ids must increase: " << line;
        last_msg_id_[from] = body["msg_id"].get<int64_t>();
      } else {
        ADD_FAILURE() << src << " wrote a non-integer msg_id: " << line;
      }
    }
    const std::string dest = message["dest"].get<std::string>();
    if (dest == "lin-kv") return answer_lin_kv(from, line);
    if (dest.starts_with("c")) return to_client(src, dest, message, line);
    for (size_t to = 0; to < kNodeCount; ++to) {
      if (dest != node_name(to)) continue;
      if (to == from) {
        ADD_FAILURE() << src << " sent a message to itself: " << line;
      } else if (!link_up_) {
        ++stats_.dropped;
      } else {
        ++stats_.node_to_node;
        deliver(to, line + "\n");
      }
      return;
    }
    ADD_FAILURE() << src << " sent to an unknown destination: " << line;
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
    if (!body.contains("msg_id") || !body["msg_id"].is_number_integer()) {
      ADD_FAILURE() << "a reply without an integer msg_id: " << line;
    }
    if (!body.contains("in_reply_to") || !body["in_reply_to"].is_number_integer()) {
      ADD_FAILURE() << src << " sent client " << client << " something that is no reply: " << line;
      return;
    }
    const ReplyKey key{client, body["in_reply_to"].get<int64_t>()};
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

  std::array<std::unique_ptr<NodeProcess>, kNodeCount> nodes_;
  std::unique_ptr<sim::Service> lin_kv_;
  core::Rng rng_;
  bool link_up_ = true;
  bool finished_ = false;
  std::array<bool, kNodeCount> write_failed_{};
  std::array<bool, kNodeCount> reported_dead_{};
  std::array<int64_t, kNodeCount> last_msg_id_{};
  std::map<std::string, int64_t> client_msg_ids_;
  std::map<ReplyKey, std::string> pending_;  // request -> the node it went to
  std::map<ReplyKey, json> replies_;
  Stats stats_;
};

}  // namespace eddy::testing
