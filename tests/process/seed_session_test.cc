// Seed 001 (fly.io challenge 5a, single-node kafka) played against eddy-node
// over its pipes. The request bodies are the seed's own examples, read from
// the seed file; the node's offsets start wherever it likes, so the seed's
// example replies (offsets 1000/2000) are compared after shifting their
// offsets to the ones the node handed out.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "kafka_session.h"

namespace eddy::testing {
namespace {

// The JSON examples of a seed file, in order. The seed is a saved web page:
// its code blocks are JSON split into HTML <span>s, so strip the tags and cut
// out each balanced top-level {...}.
std::vector<json> seed_examples(const std::string& path) {
  std::ifstream file(path);
  std::stringstream buffer;
  buffer << file.rdbuf();
  std::string text;
  bool in_tag = false;
  for (const char c : buffer.str()) {
    if (c == '<')
      in_tag = true;
    else if (c == '>' && in_tag)
      in_tag = false;
    else if (!in_tag)
      text.push_back(c);
  }
  std::vector<json> examples;
  size_t start = 0;
  while ((start = text.find('{', start)) != std::string::npos) {
    int depth = 0;
    bool in_string = false;
    size_t end = start;
    for (; end < text.size(); ++end) {
      const char c = text[end];
      if (in_string) {
        if (c == '\\')
          ++end;
        else if (c == '"')
          in_string = false;
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{') {
        ++depth;
      } else if (c == '}' && --depth == 0) {
        break;
      }
    }
    examples.push_back(json::parse(text.substr(start, end + 1 - start), nullptr, false));
    start = end + 1;
  }
  return examples;
}

// The seed's examples by type ("send", "send_ok", "poll", ...).
std::map<std::string, json> seed_by_type() {
  std::map<std::string, json> by_type;
  for (const json& example : seed_examples(EDDY_SEEDS_DIR "/001_71a1c09f7b745a9b.txt")) {
    if (example.is_object() && example.contains("type")) by_type[example["type"]] = example;
  }
  return by_type;
}

// The fields of a reply body besides the ones every reply carries.
std::set<std::string> payload_fields(const json& body) {
  std::set<std::string> fields = keys_of(body);
  for (const char* common : {"type", "msg_id", "in_reply_to"}) fields.erase(common);
  return fields;
}

TEST(SeedSession, SeedFileHasTheEightExamples) {
  const auto seed = seed_by_type();
  for (const char* type :
       {"send", "send_ok", "poll", "poll_ok", "commit_offsets", "commit_offsets_ok",
        "list_committed_offsets", "list_committed_offsets_ok"}) {
    EXPECT_TRUE(seed.contains(type)) << "seed 001 has no '" << type << "' example";
  }
}

TEST(SeedSession, SingleNodeKafkaExamples) {
  auto seed = seed_by_type();
  ASSERT_EQ(seed.size(), 8u) << "could not read seed 001's examples";
  const json seed_poll_ok = seed["poll_ok"]["msgs"];

  KafkaSession node;
  node.init();

  // send {"key":"k1","msg":123} -> send_ok {offset}, with the seed's fields.
  const json send_ok = node.call(seed["send"], "send_ok", {"offset"});
  ASSERT_TRUE(send_ok.is_object());
  EXPECT_EQ(payload_fields(send_ok), payload_fields(seed["send_ok"]));
  ASSERT_TRUE(send_ok["offset"].is_number_integer()) << send_ok;
  const int64_t first_k1 = send_ok["offset"];
  EXPECT_GE(first_k1, 0);

  // Fill k1 and k2 with the messages of the seed's poll_ok example, in order,
  // and remember the offsets the node gives them.
  Records k1{{first_k1, 123}};
  Records k2;
  for (const auto& [key, records] : seed_poll_ok.items()) {
    Records& model = key == "k1" ? k1 : k2;
    for (const json& record : records) {
      const int64_t offset = node.send(key, record[1]);
      if (!model.empty()) {
        EXPECT_GT(offset, model.back().first) << "offsets of " << key << " must increase";
      }
      model.emplace_back(offset, record[1]);
    }
  }
  ASSERT_EQ(k1.size(), 4u);
  ASSERT_EQ(k2.size(), 2u);

  // The seed's poll_ok, with its offsets moved to where the node put them.
  json expected_poll_ok = json::object();
  expected_poll_ok["k1"] = records_json(Records(k1.begin() + 1, k1.end()));
  expected_poll_ok["k2"] = records_json(k2);
  for (const auto& [key, records] : seed_poll_ok.items()) {
    ASSERT_EQ(records.size(), expected_poll_ok[key].size());
    for (size_t i = 0; i < records.size(); ++i) {
      EXPECT_EQ(records[i][1], expected_poll_ok[key][i][1]) << "message values follow the seed";
    }
  }
  EXPECT_EQ(node.poll(json{{"k1", k1[1].first}, {"k2", k2[0].first}}), expected_poll_ok);

  // From the start, from the middle, from between offsets, past the end.
  EXPECT_EQ(node.poll(json{{"k1", 0}, {"k2", 0}}),
            (json{{"k1", records_json(k1)}, {"k2", records_json(k2)}}));
  EXPECT_EQ(node.poll(json{{"k1", k1[2].first}}),
            (json{{"k1", records_json(Records(k1.begin() + 2, k1.end()))}}));
  EXPECT_EQ(node.poll(json{{"k1", k1.back().first + 1}, {"k2", k2.back().first}}),
            (json{{"k2", records_json(Records(k2.end() - 1, k2.end()))}}))
      << "a key with nothing at or after the offset is omitted";
  EXPECT_EQ(node.poll(json{{"k3", 0}}), json::object()) << "unknown keys are omitted";
  EXPECT_EQ(node.poll(json::object()), json::object());

  // The seed's own poll: offsets 1000/2000 are past anything the node holds
  // unless it numbers from there, in which case it returns the same records.
  {
    const json msgs = node.poll(seed["poll"]["offsets"]);
    json expected = json::object();
    for (const auto& [key, from] : seed["poll"]["offsets"].items()) {
      Records wanted;
      for (const auto& record : key == "k1" ? k1 : k2) {
        if (record.first >= from.get<int64_t>()) wanted.push_back(record);
      }
      if (!wanted.empty()) expected[key] = records_json(wanted);
    }
    EXPECT_EQ(msgs, expected);
  }

  // Nothing committed yet: list_committed_offsets omits every key.
  EXPECT_EQ(node.list_committed(json{"k1", "k2"}), json::object());

  // commit_offsets, then list_committed_offsets (unknown k3 omitted).
  const json commit_ok = node.call(
      json{{"type", "commit_offsets"}, {"offsets", {{"k1", k1[2].first}, {"k2", k2[1].first}}}},
      "commit_offsets_ok", {});
  EXPECT_EQ(payload_fields(commit_ok), payload_fields(seed["commit_offsets_ok"]));
  const json listed =
      node.call(json{{"type", "list_committed_offsets"}, {"keys", {"k1", "k2", "k3"}}},
                "list_committed_offsets_ok", {"offsets"});
  EXPECT_EQ(payload_fields(listed), payload_fields(seed["list_committed_offsets_ok"]));
  EXPECT_EQ(listed.value("offsets", json()), (json{{"k1", k1[2].first}, {"k2", k2[1].first}}));

  // Committed offsets never go backwards.
  node.commit(json{{"k1", k1[0].first}});
  EXPECT_EQ(node.list_committed(json{"k1"}), (json{{"k1", k1[2].first}}));

  // The seed's literal commit_offsets/list_committed_offsets pair: with
  // offsets 1000/2000 above everything committed, the listing must be exactly
  // the seed's list_committed_offsets_ok.
  node.call(seed["commit_offsets"], "commit_offsets_ok", {});
  const json seed_listed =
      node.call(seed["list_committed_offsets"], "list_committed_offsets_ok", {"offsets"});
  EXPECT_EQ(seed_listed.value("offsets", json()), seed["list_committed_offsets_ok"]["offsets"]);

  // Committing did not touch the logs.
  EXPECT_EQ(node.poll(json{{"k1", 0}, {"k2", 0}}),
            (json{{"k1", records_json(k1)}, {"k2", records_json(k2)}}));

  // Later sends still get larger offsets.
  const int64_t next = node.send("k1", 124);
  EXPECT_GT(next, k1.back().first);

  const std::string log = node.expect_clean_exit();
  EXPECT_EQ(log.find("rejected"), std::string::npos) << "no request was rejected:\n" << log;
}

// Messages are any JSON value and come back verbatim.
TEST(SeedSession, MessagesAreAnyJsonValue) {
  KafkaSession node;
  node.init();
  const std::vector<json> values{0,
                                 -7,
                                 9007199254740993LL,
                                 "text with \"quotes\" and \\ and \u00e9",
                                 json::array({1, json::array({2, 3}), json::object()}),
                                 json{{"a", 1}, {"b", json::array({true, false, nullptr})}},
                                 nullptr,
                                 true,
                                 2.5};
  Records model;
  for (const json& value : values) {
    const int64_t offset = node.send("any", value);
    if (!model.empty()) {
      EXPECT_GT(offset, model.back().first);
    }
    model.emplace_back(offset, value);
  }
  EXPECT_EQ(node.poll(json{{"any", model.front().first}}), (json{{"any", records_json(model)}}));
  node.expect_clean_exit();
}

// A poll returns a contiguous run from the requested offset, bounded per key
// (--poll-msgs-per-key-max), and the client can page through the log.
TEST(SeedSession, PollPagesThroughALongLog) {
  KafkaSession node({"--poll-msgs-per-key-max", "5"});
  node.init();
  Records model;
  for (int i = 1; i <= 23; ++i) model.emplace_back(node.send("k", i), i);
  Records seen;
  int64_t from = 0;
  for (int round = 0; round < 10 && seen.size() < model.size(); ++round) {
    const json msgs = node.poll(json{{"k", from}});
    ASSERT_TRUE(msgs.contains("k")) << msgs;
    ASSERT_LE(msgs["k"].size(), 5u);
    ASSERT_GE(msgs["k"].size(), 1u);
    for (const json& record : msgs["k"]) seen.emplace_back(record[0].get<int64_t>(), record[1]);
    from = seen.back().first + 1;
  }
  EXPECT_EQ(records_json(seen), records_json(model));
  EXPECT_EQ(node.poll(json{{"k", from}}), json::object());
  node.expect_clean_exit();
}

// Two clients talking to the same node get replies addressed to each.
TEST(SeedSession, RepliesGoToTheirSender) {
  KafkaSession node;
  node.init();
  const int64_t offset = node.send("k", 1);
  // A second client, c2, on the same pipe.
  node.write_line(
      R"({"src":"c2","dest":"n0","body":{"type":"send","msg_id":1,"key":"k","msg":2}})");
  const json reply = node.read_message();
  EXPECT_EQ(reply.value("dest", json()), "c2") << reply;
  EXPECT_EQ(reply.value("src", json()), "n0") << reply;
  EXPECT_EQ(reply["body"].value("in_reply_to", json()), 1) << reply;
  EXPECT_EQ(reply["body"].value("type", json()), "send_ok") << reply;
  EXPECT_GT(reply["body"].value("offset", json(-1)).get<int64_t>(), offset) << reply;
  node.expect_clean_exit();
}

}  // namespace
}  // namespace eddy::testing
