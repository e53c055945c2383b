// KafkaSession: a Maelstrom client's view of one eddy-node process, for the
// process tests. It frames requests, reads replies, and checks every reply
// exactly: envelope (src = the node, dest = the client), `in_reply_to` equal
// to the request's msg_id, an integer `msg_id` that grows from reply to reply,
// and the exact set of body fields of each reply type.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "node_process.h"

namespace eddy::testing {

using nlohmann::json;
using Ms = std::chrono::milliseconds;

// The sorted field names of a JSON object.
inline std::set<std::string> keys_of(const json& object) {
  std::set<std::string> keys;
  if (!object.is_object()) return keys;
  for (const auto& item : object.items()) keys.insert(item.key());
  return keys;
}

// A (key -> [[offset, msg], ...]) model of what the node should hold.
using Records = std::vector<std::pair<int64_t, json>>;
inline json records_json(const Records& records) {
  json out = json::array();
  for (const auto& [offset, msg] : records) out.push_back(json::array({offset, msg}));
  return out;
}

class KafkaSession {
 public:
  // EDDY_STRATEGY is removed from the node's environment unless `env` sets it,
  // so that the tests do not depend on the shell they run in.
  explicit KafkaSession(std::vector<std::string> args = {}, std::string node_id = "n0",
                        std::string client = "c1", NodeProcess::EnvChanges env = {})
      : node_id_(std::move(node_id)),
        client_(std::move(client)),
        process_(EDDY_NODE_BIN, std::move(args), hermetic(std::move(env))) {}

  static NodeProcess::EnvChanges hermetic(NodeProcess::EnvChanges env) {
    env.insert(env.begin(), {"EDDY_STRATEGY", std::nullopt});
    return env;
  }

  NodeProcess& process() { return process_; }
  const std::string& node_id() const { return node_id_; }
  const std::string& client() const { return client_; }
  int64_t next_msg_id() { return ++last_request_id_; }

  // The envelope of a request from the client with `body` (msg_id added unless
  // the body already has one or `msg_id` is 0).
  json envelope(json body, int64_t msg_id) const {
    if (msg_id != 0) body["msg_id"] = msg_id;
    return json{{"src", client_}, {"dest", node_id_}, {"body", std::move(body)}};
  }

  // Writes a raw line (a '\n' is appended). Fails the test if it cannot.
  void write_line(std::string_view line, Ms timeout = Ms(5'000)) {
    EXPECT_TRUE(process_.write_line(line, timeout))
        << "could not write " << line.size() << " bytes to the node";
  }

  // Sends a request with a fresh msg_id; returns the msg_id.
  int64_t send_request(json body) {
    const int64_t id = next_msg_id();
    write_line(envelope(std::move(body), id).dump());
    return id;
  }

  // The next stdout line as JSON; null (and a test failure) if none came in
  // time or it is not a JSON object.
  json read_message(Ms timeout = Ms(2'000)) {
    const auto line = process_.read_line(timeout);
    if (!line) {
      ADD_FAILURE() << "no reply from the node within " << timeout.count()
                    << " ms; stderr so far:\n"
                    << process_.stderr_text();
      return nullptr;
    }
    json message = json::parse(*line, nullptr, /*allow_exceptions=*/false);
    if (message.is_discarded() || !message.is_object()) {
      ADD_FAILURE() << "the node wrote a line that is not a JSON object: " << *line;
      return nullptr;
    }
    return message;
  }

  // Reads the reply to request `request_id` and checks its envelope, its
  // in_reply_to and its msg_id; returns the body (null on failure).
  json read_reply(int64_t request_id, Ms timeout = Ms(2'000)) {
    const json message = read_message(timeout);
    if (message.is_null()) return nullptr;
    EXPECT_EQ(keys_of(message), (std::set<std::string>{"src", "dest", "body"})) << message;
    EXPECT_EQ(message.value("src", json()), json(node_id_)) << message;
    EXPECT_EQ(message.value("dest", json()), json(client_)) << message;
    const json body = message.value("body", json());
    if (!body.is_object()) {
      ADD_FAILURE() << "reply body is not an object: " << message;
      return nullptr;
    }
    EXPECT_TRUE(body.contains("type") && body["type"].is_string()) << message;
    EXPECT_EQ(body.value("in_reply_to", json()), json(request_id))
        << "a reply to the wrong request: " << message;
    // The node numbers its own messages: integers, strictly increasing.
    const json msg_id = body.value("msg_id", json());
    if (msg_id.is_number_integer()) {
      EXPECT_GT(msg_id.get<int64_t>(), last_reply_id_)
          << "reply msg_ids must increase: " << message;
      last_reply_id_ = msg_id.get<int64_t>();
    } else {
      ADD_FAILURE() << "reply without an integer msg_id: " << message;
    }
    return body;
  }

  // A request and its reply body; checks the reply's type and exact fields
  // (besides type, msg_id, in_reply_to).
  json call(json body, const std::string& reply_type, std::initializer_list<std::string> fields,
            Ms timeout = Ms(2'000)) {
    const int64_t id = send_request(std::move(body));
    return expect_reply(id, reply_type, fields, timeout);
  }

  json expect_reply(int64_t id, const std::string& reply_type,
                    std::initializer_list<std::string> fields, Ms timeout = Ms(2'000)) {
    json reply = read_reply(id, timeout);
    if (reply.is_null()) return reply;
    EXPECT_EQ(reply.value("type", json()), json(reply_type)) << reply;
    std::set<std::string> expected{"type", "msg_id", "in_reply_to"};
    expected.insert(fields.begin(), fields.end());
    EXPECT_EQ(keys_of(reply), expected) << reply;
    return reply;
  }

  // Expects an error reply with `code` to request `id`; returns its text.
  std::string expect_error(int64_t id, int code, Ms timeout = Ms(2'000)) {
    const json reply = expect_reply(id, "error", {"code", "text"}, timeout);
    if (reply.is_null()) return {};
    EXPECT_EQ(reply.value("code", json()), json(code)) << reply;
    EXPECT_TRUE(reply["text"].is_string() && !reply["text"].get<std::string>().empty()) << reply;
    return reply["text"].is_string() ? reply["text"].get<std::string>() : std::string();
  }

  void init(std::vector<std::string> node_ids = {}) {
    if (node_ids.empty()) node_ids.push_back(node_id_);
    call(json{{"type", "init"}, {"node_id", node_id_}, {"node_ids", node_ids}}, "init_ok", {});
  }

  // send -> send_ok; returns the offset (-1 on failure).
  int64_t send(const std::string& key, const json& msg) {
    const json reply =
        call(json{{"type", "send"}, {"key", key}, {"msg", msg}}, "send_ok", {"offset"});
    if (reply.is_null() || !reply["offset"].is_number_integer()) {
      ADD_FAILURE() << "send_ok without an integer offset: " << reply;
      return -1;
    }
    return reply["offset"].get<int64_t>();
  }

  // poll -> poll_ok; returns `msgs`.
  json poll(const json& offsets) {
    const json reply = call(json{{"type", "poll"}, {"offsets", offsets}}, "poll_ok", {"msgs"});
    if (reply.is_null() || !reply["msgs"].is_object()) {
      ADD_FAILURE() << "poll_ok without a msgs object: " << reply;
      return json::object();
    }
    return reply["msgs"];
  }

  void commit(const json& offsets) {
    call(json{{"type", "commit_offsets"}, {"offsets", offsets}}, "commit_offsets_ok", {});
  }

  // list_committed_offsets -> its `offsets`.
  json list_committed(const json& keys) {
    const json reply = call(json{{"type", "list_committed_offsets"}, {"keys", keys}},
                            "list_committed_offsets_ok", {"offsets"});
    if (reply.is_null() || !reply["offsets"].is_object()) {
      ADD_FAILURE() << "list_committed_offsets_ok without an offsets object: " << reply;
      return json::object();
    }
    return reply["offsets"];
  }

  // Closes stdin and expects exit code 0 with no unread output; returns stderr.
  std::string expect_clean_exit() {
    const NodeProcess::Exit exit = process_.finish();
    EXPECT_TRUE(exit.ok()) << "eddy-node " << exit.describe() << "; stderr:\n"
                           << process_.stderr_text();
    EXPECT_EQ(process_.unread_stdout(), "") << "unexpected output after the last reply";
    return process_.stderr_text();
  }

 private:
  std::string node_id_;
  std::string client_;
  NodeProcess process_;
  int64_t last_request_id_ = 0;
  int64_t last_reply_id_ = 0;
};

}  // namespace eddy::testing
