// SingleNodeKafka: the `single` strategy (fly.io challenge 5a). One node owns
// every log; offsets are dense per key, starting at 0. It refuses to serve a
// cluster of more than one node, where separate logs would hand out the same
// offset twice: every request there gets a definite error 11 instead.
#pragma once

#include "core/application.h"
#include "core/kafka/log.h"

namespace eddy::core::kafka {

class SingleNodeKafka final : public Application {
 public:
  void on_init(Context& ctx) override;
  bool on_request(Context& ctx, Message& request) override;
  void check_invariants() const override { log_.check_invariants(); }

  const KafkaLog& log() const { return log_; }

 private:
  bool serving_ = true;
  KafkaLog log_;
};

}  // namespace eddy::core::kafka
