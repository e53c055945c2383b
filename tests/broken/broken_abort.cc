// broken:abort and broken:hang (tests/broken/broken_abort.h): gossip wrapped
// by an Application that may abort(), or wait forever, on its first request.
#include "tests/broken/broken_abort.h"

#include <cstdio>
#include <cstdlib>
#include <memory>

#include <unistd.h>

#include "core/application.h"
#include "core/kafka/gossip.h"
#include "sim/simulation.h"

namespace eddy::broken {
namespace {

class AbortingKafka final : public core::Application {
 public:
  explicit AbortingKafka(bool hang) : hang_(hang) {}
  void restore(const core::Persisted& persisted) override { inner_.restore(persisted); }
  void on_init(core::Context& ctx) override { inner_.on_init(ctx); }
  bool on_request(core::Context& ctx, core::Message& request) override {
    if (!decided_) {
      decided_ = true;
      if (ctx.rng().chance(0.25)) {
        std::fprintf(stderr, "%s\n",
                     hang_ ? "broken:hang: node hangs on its first request, on purpose"
                           : "broken:abort: node aborts on its first request, on purpose");
        std::fflush(stderr);
        if (!hang_) std::abort();
        for (;;) ::pause();  // until a signal kills the process
      }
    }
    return inner_.on_request(ctx, request);
  }
  void on_timer(core::Context& ctx, uint64_t arg) override { inner_.on_timer(ctx, arg); }
  void check_invariants() const override { inner_.check_invariants(); }

 private:
  core::kafka::GossipKafka inner_{core::kafka::GossipConfig{}};
  bool hang_;
  bool decided_ = false;
};

}  // namespace

void register_broken_abort_variant() {
  sim::register_strategy(kAbortVariant, "kafka",
                         "BROKEN on purpose: gossip whose nodes may abort() on their first request",
                         [](int) { return std::make_unique<AbortingKafka>(false); });
  sim::register_strategy(kHangVariant, "kafka",
                         "BROKEN on purpose: gossip whose nodes may hang on their first request",
                         [](int) { return std::make_unique<AbortingKafka>(true); });
}

}  // namespace eddy::broken
