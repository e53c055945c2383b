#include "tests/broken/broken_kv.h"

#include <map>
#include <memory>
#include <utility>

#include "core/application.h"
#include "core/error_code.h"
#include "core/kv/proxy.h"
#include "sim/simulation.h"

namespace eddy::broken {
namespace {

using namespace core;

constexpr const char* kLinKv = "lin-kv";

enum class KvFlaw { kStaleCache, kEarlyCasAck, kDefiniteTimeout };

// A proxy to lin-kv with one flaw. Everything not named by the flaw is
// forwarded and relayed as ProxyKv does.
class BrokenKvProxy final : public Application {
 public:
  explicit BrokenKvProxy(KvFlaw flaw) : flaw_(flaw) {}

  bool on_request(Context& ctx, Message& request) override {
    if (!kv::is_kv_request(request.body)) return false;
    if (flaw_ == KvFlaw::kStaleCache) {
      if (const auto* read = std::get_if<KvReadBody>(&request.body)) {
        if (const auto it = cache_.find(read->key); it != cache_.end()) {
          ctx.reply(request, KvReadOkBody{it->second});  // never asks lin-kv
          return true;
        }
      }
    }
    if (flaw_ == KvFlaw::kEarlyCasAck && std::holds_alternative<KvCasBody>(request.body)) {
      ctx.reply(request, KvCasOkBody{});  // before lin-kv has said anything
      ctx.call(kLinKv, std::move(request.body), ctx.limits().rpc_timeout_ms,
               [](Context&, RpcResult) {});
      return true;
    }
    forward(ctx, request);
    return true;
  }

 private:
  void forward(Context& ctx, Message& request) {
    // What the key holds once lin-kv says yes: the cache's only input.
    std::optional<std::pair<Value, Value>> outcome;
    if (const auto* write = std::get_if<KvWriteBody>(&request.body)) {
      outcome.emplace(write->key, write->value);
    } else if (const auto* cas = std::get_if<KvCasBody>(&request.body)) {
      outcome.emplace(cas->key, cas->to);
    } else {
      outcome.emplace(std::get<KvReadBody>(request.body).key, Value());
    }
    Body body = std::move(request.body);
    request.body = UnknownBody{};
    ctx.call(kLinKv, std::move(body), ctx.limits().rpc_timeout_ms,
             [this, outcome, client = std::move(request)](Context& c, RpcResult result) mutable {
               if (result) {
                 if (auto* read_ok = std::get_if<KvReadOkBody>(&result.value().body)) {
                   outcome->second = read_ok->value;
                 }
                 cache_[outcome->first] = outcome->second;
                 c.reply(client, std::move(result.value().body));
                 return;
               }
               ErrorBody error = result.error();
               if (flaw_ == KvFlaw::kDefiniteTimeout &&
                   error.code == static_cast<int32_t>(ErrorCode::kTimeout)) {
                 error = ErrorBody{static_cast<int32_t>(ErrorCode::kTemporarilyUnavailable),
                                   "pretending the request did not happen"};
               }
               c.reply(client, error);
             });
  }

  KvFlaw flaw_;
  std::map<Value, Value> cache_;  // key -> the last value lin-kv confirmed
};

struct KvVariant {
  const char* name;
  const char* summary;
  KvFlaw flaw;
};

constexpr KvVariant kKvVariants[] = {
    {"broken:kv-stale-cache",
     "BROKEN on purpose: proxy that answers reads from the last value it saw, without asking",
     KvFlaw::kStaleCache},
    {"broken:kv-early-cas-ack",
     "BROKEN on purpose: proxy that acknowledges a cas before lin-kv has answered",
     KvFlaw::kEarlyCasAck},
    {"broken:kv-definite-timeout",
     "BROKEN on purpose: proxy that answers a forward that timed out with error 11 (definite)",
     KvFlaw::kDefiniteTimeout},
};

}  // namespace

void register_broken_kv_variants() {
  for (const KvVariant& variant : kKvVariants) {
    const KvFlaw flaw = variant.flaw;
    sim::register_strategy(variant.name, "lin-kv", variant.summary,
                           [flaw](int) { return std::make_unique<BrokenKvProxy>(flaw); });
  }
}

std::vector<std::string> broken_kv_variant_names() {
  std::vector<std::string> names;
  for (const KvVariant& variant : kKvVariants) names.emplace_back(variant.name);
  return names;
}

}  // namespace eddy::broken
