// Simulated Maelstrom services (sim/services/): lin-kv, seq-kv, lww-kv and
// lin-tso must answer exactly as maelstrom `service.clj` does, error texts
// included, and draw randomness only from the Rng they are given.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/message.h"
#include "core/random.h"
#include "core/value.h"
#include "sim/services/clojure_text.h"
#include "sim/services/kv_rules.h"
#include "sim/services/lin_kv.h"
#include "sim/services/lin_tso.h"
#include "sim/services/lww_kv.h"
#include "sim/services/seq_kv.h"
#include "sim/services/service.h"

namespace eddy::sim {
namespace {

using core::Body;
using core::Value;

Value j(const char* json_text) { return Value::from_json(nlohmann::json::parse(json_text)); }
Value v(int64_t integer) { return Value(integer); }

Body read(Value key) { return core::KvReadBody{std::move(key)}; }
Body write(Value key, Value value) { return core::KvWriteBody{std::move(key), std::move(value)}; }
Body cas(Value key, Value from, Value to, bool create = false) {
  return core::KvCasBody{std::move(key), std::move(from), std::move(to), create};
}

// One line per reply, for comparing runs and readable failure messages.
std::string describe(const std::optional<Body>& reply) {
  if (!reply) return "no reply";
  std::string out(core::body_type(*reply));
  if (const auto* ok = std::get_if<core::KvReadOkBody>(&*reply)) {
    out += " " + ok->value.to_json_text();
  } else if (const auto* error = std::get_if<core::ErrorBody>(&*reply)) {
    out += " " + std::to_string(error->code) + " " + error->text;
  } else if (const auto* ts = std::get_if<core::TsOkBody>(&*reply)) {
    out += " " + std::to_string(ts->ts);
  }
  return out;
}

// A service with its own Rng, sending from named nodes.
class Harness {
 public:
  explicit Harness(std::string_view name, uint64_t seed = 1)
      : service_(make_service(name)), rng_(seed) {}

  std::optional<Body> send(std::string_view src, Body body) {
    core::Message request;
    request.src = std::string(src);
    request.dest = std::string(service_->name());
    request.msg_id = ++msg_id_;
    request.body = std::move(body);
    return service_->handle(request, rng_);
  }
  std::string ask(std::string_view src, Body body) { return describe(send(src, std::move(body))); }

  Service& service() { return *service_; }
  template <class T>
  T& as() {
    return dynamic_cast<T&>(*service_);
  }

 private:
  std::unique_ptr<Service> service_;
  core::Rng rng_;
  int64_t msg_id_ = 0;
};

constexpr std::string_view kMissing = "error 20 key does not exist";

// --- The factory -----------------------------------------------------------

TEST(ServiceFactory, MakesEachOfMaelstromsDefaultServices) {
  const std::vector<std::string_view> expected{"lin-kv", "seq-kv", "lww-kv", "lin-tso"};
  EXPECT_EQ(service_names(), expected);
  for (const std::string_view name : service_names()) {
    const std::unique_ptr<Service> service = make_service(name);
    ASSERT_NE(service, nullptr) << name;
    EXPECT_EQ(service->name(), name);
    EXPECT_EQ(service->requests(), 0);
  }
}

TEST(ServiceFactory, UnknownNamesGiveNull) {
  EXPECT_EQ(make_service("lin-kv2"), nullptr);
  EXPECT_EQ(make_service(""), nullptr);
  EXPECT_EQ(make_service("kafka"), nullptr);
}

TEST(ServiceFactory, CountsEveryRequestAnsweredOrNot) {
  Harness lin("lin-kv");
  lin.send("n0", read(v(1)));
  lin.send("n0", core::TsBody{});
  EXPECT_EQ(lin.service().requests(), 2);
}

// --- lin-kv ----------------------------------------------------------------

TEST(LinKvService, ReadOfMissingKeyIsError20) {
  Harness lin("lin-kv");
  EXPECT_EQ(lin.ask("n0", read(v(1))), kMissing);
}

TEST(LinKvService, WriteThenReadAndOverwrite) {
  Harness lin("lin-kv");
  EXPECT_EQ(lin.ask("n0", write(v(1), v(10))), "write_ok");
  EXPECT_EQ(lin.ask("n1", read(v(1))), "read_ok 10");
  EXPECT_EQ(lin.ask("n1", write(v(1), v(11))), "write_ok");
  EXPECT_EQ(lin.ask("n0", read(v(1))), "read_ok 11");
}

TEST(LinKvService, CasSucceedsWhenFromMatches) {
  Harness lin("lin-kv");
  lin.send("n0", write(v(1), v(3)));
  EXPECT_EQ(lin.ask("n0", cas(v(1), v(3), v(4))), "cas_ok");
  EXPECT_EQ(lin.ask("n0", read(v(1))), "read_ok 4");
}

TEST(LinKvService, CasMismatchIsError22PrintingBothValuesWithPrStr) {
  Harness lin("lin-kv");
  lin.send("n0", write(v(1), v(3)));
  EXPECT_EQ(lin.ask("n0", cas(v(1), v(2), v(4))), "error 22 current value 3 is not 2");
  lin.send("n0", write(v(2), j("\"a\"")));
  EXPECT_EQ(lin.ask("n0", cas(v(2), j("\"b\""), v(4))),
            "error 22 current value \"a\" is not \"b\"");
  EXPECT_EQ(lin.ask("n0", read(v(1))), "read_ok 3");  // a failed cas changes nothing
}

TEST(LinKvService, CasOnMissingKeyIsError20) {
  Harness lin("lin-kv");
  EXPECT_EQ(lin.ask("n0", cas(v(1), v(0), v(1))), kMissing);
  EXPECT_EQ(lin.ask("n0", read(v(1))), kMissing);
}

TEST(LinKvService, CreateIfNotExistsOnMissingKeyStoresToWithoutComparingFrom) {
  Harness lin("lin-kv");
  EXPECT_EQ(lin.ask("n0", cas(v(1), v(999), v(5), true)), "cas_ok");
  EXPECT_EQ(lin.ask("n0", read(v(1))), "read_ok 5");
}

TEST(LinKvService, CreateIfNotExistsOnExistingKeyComparesNormally) {
  Harness lin("lin-kv");
  lin.send("n0", write(v(1), v(1)));
  EXPECT_EQ(lin.ask("n0", cas(v(1), v(2), v(3), true)), "error 22 current value 1 is not 2");
  EXPECT_EQ(lin.ask("n0", cas(v(1), v(1), v(3), true)), "cas_ok");
  EXPECT_EQ(lin.ask("n0", read(v(1))), "read_ok 3");
}

TEST(LinKvService, KeysAndValuesAreAnyJsonComparedStructurally) {
  Harness lin("lin-kv");
  lin.send("n0", write(v(1), j("\"int\"")));
  lin.send("n0", write(j("\"1\""), j("\"string\"")));
  lin.send("n0", write(j("1.0"), j("\"double\"")));
  lin.send("n0", write(j(R"({"b":[1,2],"a":null})"), j(R"({"x":{"y":"z"}})")));
  EXPECT_EQ(lin.ask("n0", read(v(1))), "read_ok \"int\"");
  EXPECT_EQ(lin.ask("n0", read(j("\"1\""))), "read_ok \"string\"");
  EXPECT_EQ(lin.ask("n0", read(j("1.0"))), "read_ok \"double\"");
  // Member order does not matter: the same object, written differently.
  EXPECT_EQ(lin.ask("n0", read(j(R"({"a":null,"b":[1,2]})"))), R"(read_ok {"x":{"y":"z"}})");
  EXPECT_EQ(lin.ask("n0", cas(j(R"({"a":null,"b":[1,2]})"), j(R"({"x":{"y":"z"}})"), j("[]"))),
            "cas_ok");
  EXPECT_EQ(lin.as<LinKv>().state().size(), 4u);
}

TEST(LinKvService, UnknownTypesGetNoReplyAndChangeNothing) {
  Harness lin("lin-kv");
  lin.send("n0", write(v(1), v(1)));
  EXPECT_EQ(lin.send("n0", core::TsBody{}), std::nullopt);
  EXPECT_EQ(lin.send("n0", core::UnknownBody{"delete"}), std::nullopt);
  EXPECT_EQ(lin.send("n0", core::KvReadOkBody{v(2)}), std::nullopt);
  EXPECT_EQ(lin.send("n0", core::SendBody{"k", v(2)}), std::nullopt);
  EXPECT_EQ(lin.ask("n0", read(v(1))), "read_ok 1");
}

// --- Error texts: Clojure's printed forms -----------------------------------

TEST(KvErrorText, PrStrPrintsClojureData) {
  EXPECT_EQ(clojure_pr_str(v(-7)), "-7");
  EXPECT_EQ(clojure_pr_str(j("null")), "nil");
  EXPECT_EQ(clojure_pr_str(j("true")), "true");
  EXPECT_EQ(clojure_pr_str(j(R"("a\"b\\c\nd\te")")), R"("a\"b\\c\nd\te")");
  EXPECT_EQ(clojure_pr_str(j("[]")), "[]");
  EXPECT_EQ(clojure_pr_str(j("{}")), "{}");
  EXPECT_EQ(clojure_pr_str(j(R"({"b":[1,"x",null,false],"a":{"c":2}})")),
            R"({"a" {"c" 2}, "b" [1 "x" nil false]})");
  EXPECT_EQ(clojure_pr_str(j("18446744073709551615")), "18446744073709551615BIGINT");
}

TEST(KvErrorText, DoublesPrintAsJavaDoes) {
  EXPECT_EQ(clojure_pr_str(j("1.0")), "1.0");
  EXPECT_EQ(clojure_pr_str(j("-2.5")), "-2.5");
  EXPECT_EQ(clojure_pr_str(j("100.0")), "100.0");
  EXPECT_EQ(clojure_pr_str(j("123456.789")), "123456.789");
  EXPECT_EQ(clojure_pr_str(j("0.001")), "0.001");
  EXPECT_EQ(clojure_pr_str(j("0.0001")), "1.0E-4");
  EXPECT_EQ(clojure_pr_str(j("1e7")), "1.0E7");
  EXPECT_EQ(clojure_pr_str(j("1.5e20")), "1.5E20");
  EXPECT_EQ(clojure_pr_str(j("0.0")), "0.0");
  EXPECT_EQ(clojure_pr_str(j("-0.0")), "-0.0");
}

TEST(KvErrorText, StrPrintsTopLevelStringsBareAndNilEmpty) {
  EXPECT_EQ(clojure_str(j("\"b\"")), "b");
  EXPECT_EQ(clojure_str(j("null")), "");
  EXPECT_EQ(clojure_str(v(3)), "3");
  EXPECT_EQ(clojure_str(j(R"(["b"])")), R"(["b"])");
  EXPECT_EQ(clojure_str(j("18446744073709551615")), "18446744073709551615");
}

TEST(KvErrorText, LwwKvPrintsFromWithStr) {
  const Value current = j("\"a\"");
  const KvOutcome lww = apply_kv(KvFlavor::kLwwKv, cas(v(1), j("\"b\""), v(2)), &current);
  EXPECT_EQ(describe(lww.reply), "error 22 current value \"a\" is not b");
  const KvOutcome lin = apply_kv(KvFlavor::kPersistentKv, cas(v(1), j("\"b\""), v(2)), &current);
  EXPECT_EQ(describe(lin.reply), "error 22 current value \"a\" is not \"b\"");
}

TEST(KvRules, OnlyRealChangesStoreForPersistentKv) {
  const Value one = v(1);
  EXPECT_FALSE(apply_kv(KvFlavor::kPersistentKv, write(v(0), v(1)), &one).stored);
  EXPECT_FALSE(apply_kv(KvFlavor::kPersistentKv, cas(v(0), v(1), v(1)), &one).stored);
  EXPECT_TRUE(apply_kv(KvFlavor::kPersistentKv, write(v(0), v(2)), &one).stored);
  EXPECT_TRUE(apply_kv(KvFlavor::kPersistentKv, write(v(0), v(1)), nullptr).stored);
  // LWWKV's clock ticks on every write, so its state always changes.
  EXPECT_TRUE(apply_kv(KvFlavor::kLwwKv, write(v(0), v(1)), &one).stored);
}

// --- seq-kv ----------------------------------------------------------------

TEST(SeqKvService, OneSenderSeesLinKvBehaviour) {
  Harness seq("seq-kv");
  EXPECT_EQ(seq.ask("n0", read(v(1))), kMissing);
  EXPECT_EQ(seq.ask("n0", cas(v(1), v(0), v(1))), kMissing);
  EXPECT_EQ(seq.ask("n0", write(v(1), v(3))), "write_ok");
  EXPECT_EQ(seq.ask("n0", read(v(1))), "read_ok 3");
  EXPECT_EQ(seq.ask("n0", cas(v(1), v(2), v(4))), "error 22 current value 3 is not 2");
  EXPECT_EQ(seq.ask("n0", cas(v(1), v(3), v(4))), "cas_ok");
  EXPECT_EQ(seq.ask("n0", cas(v(2), v(9), v(7), true)), "cas_ok");
  EXPECT_EQ(seq.ask("n0", cas(v(2), v(9), v(8), true)), "error 22 current value 7 is not 9");
  EXPECT_EQ(seq.ask("n0", read(v(2))), "read_ok 7");
}

TEST(SeqKvService, UnknownTypesGetNoReplyAndRegisterNoSender) {
  Harness seq("seq-kv");
  seq.send("n0", write(v(1), v(1)));
  EXPECT_EQ(seq.send("n1", core::TsBody{}), std::nullopt);
  EXPECT_EQ(seq.send("n1", core::UnknownBody{"foo"}), std::nullopt);
  EXPECT_EQ(seq.as<SeqKv>().last_index(), 1);
  EXPECT_EQ(seq.as<SeqKv>().sender_index("n1"), 0);
}

// A random script of reads, writes and cas from three nodes on one key. Every
// stored value is a fresh, larger integer, so values order the states.
std::vector<std::string> random_run(uint64_t seed, int ops) {
  Harness seq("seq-kv", seed);
  core::Rng script(seed ^ 0x5eedULL);
  std::vector<std::string> replies;
  int64_t next = 1;
  for (int i = 0; i < ops; ++i) {
    const std::string node = "n" + std::to_string(script.below(3));
    switch (script.below(3)) {
      case 0:
        replies.push_back(seq.ask(node, read(j("\"k\""))));
        break;
      case 1:
        replies.push_back(seq.ask(node, write(j("\"k\""), v(next++))));
        break;
      default:
        replies.push_back(seq.ask(node, cas(j("\"k\""), v(script.between(0, next)), v(next))));
        ++next;
    }
  }
  return replies;
}

TEST(SeqKvService, SameSeedSameReplies) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    EXPECT_EQ(random_run(seed, 300), random_run(seed, 300)) << "seed " << seed;
  }
  EXPECT_NE(random_run(1, 300), random_run(2, 300));
}

TEST(SeqKvService, ALaggingSenderNeverReadsTheNewestState) {
  for (uint64_t seed = 0; seed < 200; ++seed) {
    Harness seq("seq-kv", seed);
    for (int64_t i = 1; i <= 10; ++i) seq.send("n1", write(v(1), v(i)));
    const std::string reply = seq.ask("n2", read(v(1)));
    EXPECT_NE(reply, "read_ok 10") << "seed " << seed;
  }
}

TEST(SeqKvService, MutationsLandOnTheNewestState) {
  for (uint64_t seed = 0; seed < 200; ++seed) {
    Harness seq("seq-kv", seed);
    for (int64_t i = 1; i <= 5; ++i) seq.send("n1", write(v(1), v(i)));
    // n2 is at state 0; its write must not fork the history from there.
    EXPECT_EQ(seq.ask("n2", write(v(2), v(1))), "write_ok");
    EXPECT_EQ(seq.as<SeqKv>().last_index(), 6);
    EXPECT_EQ(seq.as<SeqKv>().sender_index("n2"), 6);
    EXPECT_EQ(seq.ask("n2", read(v(1))), "read_ok 5") << "seed " << seed;
    EXPECT_EQ(seq.ask("n2", read(v(2))), "read_ok 1") << "seed " << seed;
  }
}

TEST(SeqKvService, AnUnchangedStateAddsNoState) {
  Harness seq("seq-kv");
  seq.send("n1", write(v(1), v(1)));
  EXPECT_EQ(seq.as<SeqKv>().last_index(), 1);
  EXPECT_EQ(seq.ask("n1", write(v(1), v(1))), "write_ok");
  EXPECT_EQ(seq.ask("n1", cas(v(1), v(1), v(1))), "cas_ok");
  EXPECT_EQ(seq.ask("n1", read(v(1))), "read_ok 1");
  EXPECT_EQ(seq.as<SeqKv>().last_index(), 1);
}

TEST(SeqKvService, CasIsJudgedOnAStaleStateOrElseOnTheNewest) {
  bool saw_stale_missing = false;
  bool saw_judged_on_newest = false;
  for (uint64_t seed = 0; seed < 100; ++seed) {
    Harness seq("seq-kv", seed);
    seq.send("n1", write(v(1), v(1)));
    seq.send("n1", write(v(1), v(2)));
    // n2 picks state 0 (key missing) or state 1 (k = 1, so the cas would
    // change it and is judged again on state 2, where it fails).
    const std::string reply = seq.ask("n2", cas(v(1), v(1), v(3)));
    if (reply == kMissing) {
      saw_stale_missing = true;
      EXPECT_EQ(seq.as<SeqKv>().last_index(), 2);
      EXPECT_EQ(seq.as<SeqKv>().sender_index("n2"), 0);
    } else {
      EXPECT_EQ(reply, "error 22 current value 2 is not 1") << "seed " << seed;
      saw_judged_on_newest = true;
      // Maelstrom appends the (unchanged) result as a new state anyway.
      EXPECT_EQ(seq.as<SeqKv>().last_index(), 3);
      EXPECT_EQ(seq.as<SeqKv>().sender_index("n2"), 3);
    }
  }
  EXPECT_TRUE(saw_stale_missing);
  EXPECT_TRUE(saw_judged_on_newest);
}

TEST(SeqKvService, ASenderFarBehindSeesOnlyTheLast32States) {
  for (uint64_t seed = 0; seed < 200; ++seed) {
    Harness seq("seq-kv", seed);
    for (int64_t i = 1; i <= 100; ++i) seq.send("n1", write(v(1), v(i)));
    const std::optional<Body> reply = seq.send("n2", read(v(1)));
    ASSERT_TRUE(reply && std::holds_alternative<core::KvReadOkBody>(*reply)) << describe(reply);
    const int64_t value = std::get<core::KvReadOkBody>(*reply).value.integer();
    EXPECT_GE(value, 100 - 31) << "seed " << seed;
    EXPECT_LT(value, 100) << "seed " << seed;
  }
}

// Per seed: random reads, writes and cas from three nodes. Every stored value
// is a fresh, larger integer, so a read's value names the state it came from.
struct StalenessStats {
  int reads = 0;
  int stale_reads = 0;
};

void check_sequential_run(uint64_t seed, StalenessStats& stats) {
  Harness seq("seq-kv", seed);
  SeqKv& service = seq.as<SeqKv>();
  core::Rng script(seed ^ 0xabcdULL);
  const std::vector<std::string> nodes{"n0", "n1", "n2"};
  std::vector<int64_t> floor(nodes.size(), 0);  // the newest value each node saw or stored
  std::vector<int64_t> index(nodes.size(), 0);
  int64_t latest = 0;  // the value in the newest state (0: missing)
  int64_t next = 1;
  for (int op = 0; op < 60; ++op) {
    const size_t n = script.below(nodes.size());
    const uint64_t kind = script.below(3);
    if (kind == 0) {
      const std::optional<Body> reply = seq.send(nodes[n], read(v(1)));
      ASSERT_TRUE(reply.has_value());
      const auto* ok = std::get_if<core::KvReadOkBody>(&*reply);
      const int64_t seen = ok == nullptr ? 0 : ok->value.integer();
      if (ok == nullptr) {
        ASSERT_EQ(describe(reply), kMissing);
      }
      ++stats.reads;
      stats.stale_reads += seen < latest ? 1 : 0;
      ASSERT_LE(seen, latest) << "seed " << seed << ": newer than the newest state";
      ASSERT_GE(seen, floor[n]) << "seed " << seed << ": " << nodes[n] << " went backwards";
      floor[n] = seen;
    } else {
      const int64_t to = next++;
      const Body request =
          kind == 1 ? write(v(1), v(to)) : cas(v(1), v(script.between(0, to - 1)), v(to));
      const std::string reply = seq.ask(nodes[n], request);
      if (reply == "write_ok" || reply == "cas_ok") {
        latest = to;  // a mutation always becomes the newest state
        floor[n] = to;
      }
    }
    ASSERT_GE(service.sender_index(nodes[n]), index[n]) << "seed " << seed;
    ASSERT_LE(service.sender_index(nodes[n]), service.last_index());
    index[n] = service.sender_index(nodes[n]);
  }
}

TEST(SeqKvService, ReadsAreStaleSometimesButNeverNewerAndNeverGoBackwards) {
  StalenessStats stats;
  for (uint64_t seed = 0; seed < 1000; ++seed) {
    check_sequential_run(seed, stats);
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(stats.stale_reads, 0);
  EXPECT_LT(stats.stale_reads, stats.reads);
}

// --- lww-kv ----------------------------------------------------------------

TEST(LwwKvService, AWriteReachesOneOfTwoReplicas) {
  bool saw_missing = false;
  bool saw_written = false;
  for (uint64_t seed = 0; seed < 100; ++seed) {
    Harness lww("lww-kv", seed);
    EXPECT_EQ(lww.ask("n0", write(v(1), v(5))), "write_ok");
    const LwwKv& service = lww.as<LwwKv>();
    EXPECT_EQ(service.replica(0).size() + service.replica(1).size(), 1u);
    const std::string reply = lww.ask("n0", read(v(1)));
    saw_missing |= reply == kMissing;
    saw_written |= reply == "read_ok 5";
    EXPECT_TRUE(reply == kMissing || reply == "read_ok 5") << reply;
  }
  EXPECT_TRUE(saw_missing);
  EXPECT_TRUE(saw_written);
}

TEST(LwwKvService, ReplicasNeverConverge) {
  Harness lww("lww-kv", 7);
  for (int64_t i = 1; i <= 1000; ++i) lww.send("n0", write(v(1), v(i)));
  const LwwKv& service = lww.as<LwwKv>();
  const Value* a = service.replica(0).find(v(1));
  const Value* b = service.replica(1).find(v(1));
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a->integer(), b->integer());
  EXPECT_TRUE(a->integer() == 1000 || b->integer() == 1000);
}

TEST(LwwKvService, CreateIfNotExistsIsIgnored) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    Harness lww("lww-kv", seed);
    EXPECT_EQ(lww.ask("n0", cas(v(1), v(0), v(1), true)), kMissing);
    EXPECT_EQ(lww.as<LwwKv>().replica(0).size() + lww.as<LwwKv>().replica(1).size(), 0u);
  }
}

TEST(LwwKvService, CasMismatchPrintsFromBare) {
  Harness lww("lww-kv", 3);
  for (int i = 0; i < 64; ++i) lww.send("n0", write(v(1), j("\"a\"")));
  ASSERT_NE(lww.as<LwwKv>().replica(0).find(v(1)), nullptr);
  ASSERT_NE(lww.as<LwwKv>().replica(1).find(v(1)), nullptr);
  EXPECT_EQ(lww.ask("n0", cas(v(1), j("\"b\""), v(2))), "error 22 current value \"a\" is not b");
  EXPECT_EQ(lww.ask("n0", cas(v(1), j("\"a\""), v(2))), "cas_ok");
}

TEST(LwwKvService, UnknownTypesGetNoReply) {
  Harness lww("lww-kv");
  EXPECT_EQ(lww.send("n0", core::TsBody{}), std::nullopt);
  EXPECT_EQ(lww.send("n0", core::UnknownBody{"foo"}), std::nullopt);
}

// --- lin-tso ---------------------------------------------------------------

TEST(LinTsoService, CountsFromZeroOneByOne) {
  Harness tso("lin-tso");
  for (int64_t expected = 0; expected < 100; ++expected) {
    EXPECT_EQ(tso.ask(expected % 2 == 0 ? "n0" : "n1", core::TsBody{}),
              "ts_ok " + std::to_string(expected));
  }
  EXPECT_EQ(tso.as<LinTso>().next_ts(), 100);
}

TEST(LinTsoService, OtherTypesGetNoReplyAndTakeNoTimestamp) {
  Harness tso("lin-tso");
  EXPECT_EQ(tso.send("n0", read(v(1))), std::nullopt);
  EXPECT_EQ(tso.send("n0", write(v(1), v(1))), std::nullopt);
  EXPECT_EQ(tso.ask("n0", core::TsBody{}), "ts_ok 0");
  EXPECT_EQ(tso.service().requests(), 3);
}

}  // namespace
}  // namespace eddy::sim
