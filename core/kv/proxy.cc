#include "core/kv/proxy.h"

#include <string>
#include <utility>
#include <variant>

#include "core/error_code.h"

namespace eddy::core::kv {
namespace {

constexpr const char* kLinKv = "lin-kv";

enum class Kind : uint8_t { kRead, kWrite, kCas };

Kind kind_of(const Body& request) {
  if (std::holds_alternative<KvReadBody>(request)) return Kind::kRead;
  return std::holds_alternative<KvWriteBody>(request) ? Kind::kWrite : Kind::kCas;
}

// The reply lin-kv owes a request of this kind: read_ok to read, and so on.
bool answers(const Body& reply, Kind kind) {
  switch (kind) {
    case Kind::kRead:
      return std::holds_alternative<KvReadOkBody>(reply);
    case Kind::kWrite:
      return std::holds_alternative<KvWriteOkBody>(reply);
    case Kind::kCas:
      return std::holds_alternative<KvCasOkBody>(reply);
  }
  return false;
}

}  // namespace

bool is_kv_request(const Body& body) {
  return std::holds_alternative<KvReadBody>(body) || std::holds_alternative<KvWriteBody>(body) ||
         std::holds_alternative<KvCasBody>(body);
}

bool ProxyKv::on_request(Context& ctx, Message& request) {
  if (!is_kv_request(request.body)) return false;
  const Kind kind = kind_of(request.body);
  Body forwarded = std::move(request.body);
  // The callback answers the client; it keeps the envelope only.
  request.body = UnknownBody{};
  ctx.call(kLinKv, std::move(forwarded), ctx.limits().rpc_timeout_ms,
           [kind, client = std::move(request)](Context& c, RpcResult result) {
             if (result && answers(result.value().body, kind)) {
               c.reply(client, std::move(result.value().body));
               return;
             }
             if (result) {
               // An answer of the wrong type says nothing of what lin-kv did.
               c.reply(client, ErrorBody{static_cast<int32_t>(ErrorCode::kCrash),
                                         "lin-kv answered with " +
                                             std::string(body_type(result.value().body))});
               return;
             }
             const ErrorBody& error = result.error();
             if (error.code == static_cast<int32_t>(ErrorCode::kTimeout)) {
               c.reply(client, ErrorBody{error.code,
                                         "lin-kv did not answer in time; the request may or may "
                                         "not have taken effect"});
               return;
             }
             c.reply(client, error);  // lin-kv's own error, definite or not, as it said
           });
  return true;
}

}  // namespace eddy::core::kv
