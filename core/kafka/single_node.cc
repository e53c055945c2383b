#include "core/kafka/single_node.h"

#include <map>
#include <string_view>
#include <utility>

#include "core/kafka/local_service.h"
#include "core/overloaded.h"

namespace eddy::core::kafka {

void SingleNodeKafka::on_init(Context& ctx) {
  serving_ = ctx.node_ids().size() == 1;
  if (!serving_) {
    ctx.log(LogLevel::kWarn, "strategy 'single' serves a one-node cluster only; this cluster has " +
                                 std::to_string(ctx.node_ids().size()) +
                                 " nodes, so every request will fail");
  }
}

bool SingleNodeKafka::on_request(Context& ctx, Message& request) {
  if (!is_kafka_request(request.body)) return false;
  if (!serving_) {
    ctx.reply(request, ErrorBody{static_cast<int32_t>(ErrorCode::kTemporarilyUnavailable),
                                 "strategy 'single' cannot serve a multi-node cluster"});
    return true;
  }
  serve_from_log(ctx, request, log_);
  return true;
}

}  // namespace eddy::core::kafka
