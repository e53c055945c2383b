#include "sim/init_handshake.h"

#include <algorithm>
#include <utility>

namespace eddy::sim {
namespace {

constexpr TimeUs kInitTimeoutUs = 10'000'000;  // maelstrom db.clj: 10 s for init

}  // namespace

InitHandshake::InitHandshake(World& world, std::vector<std::string> node_names,
                             int64_t& next_client_id)
    : world_(world), node_names_(std::move(node_names)), next_client_id_(next_client_id) {}

void InitHandshake::start() {
  answered_.assign(node_names_.size(), false);
  for (size_t i = 0; i < node_names_.size(); ++i) {
    const std::string client = "c" + std::to_string(next_client_id_++);
    clients_.push_back(world_.network.add_endpoint(client, EndpointKind::kClient));
    world_.network.send(world_.now_us, core::Message{client, node_names_[i], 1, std::nullopt,
                                                     core::InitBody{node_names_[i], node_names_}});
    world_.at(world_.now_us + kInitTimeoutUs, ClientTimeoutEvent{-1 - static_cast<int>(i), 0});
  }
}

InitHandshake::Outcome InitHandshake::on_client_message(EndpointId client,
                                                        const core::Message& message) {
  for (size_t i = 0; i < clients_.size(); ++i) {
    if (clients_[i] != client || answered_[i]) continue;
    if (!std::holds_alternative<core::InitOkBody>(message.body) || message.in_reply_to != 1) {
      failure_ = "node " + node_names_[i] + " answered init with " +
                 std::string(core::body_type(message.body));
      return Outcome::kFailed;
    }
    answered_[i] = true;
    world_.network.close_endpoint(client);
    const bool all = std::all_of(answered_.begin(), answered_.end(), [](bool b) { return b; });
    return all ? Outcome::kAllAnswered : Outcome::kPending;
  }
  return Outcome::kPending;
}

InitHandshake::Outcome InitHandshake::on_timeout(const ClientTimeoutEvent& event) {
  const auto node = static_cast<size_t>(-1 - event.worker);
  if (node >= answered_.size() || answered_[node]) return Outcome::kPending;
  failure_ = "node " + node_names_[node] + " did not answer init within 10 s";
  return Outcome::kFailed;
}

}  // namespace eddy::sim
