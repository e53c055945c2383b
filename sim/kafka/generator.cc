#include "sim/kafka/generator.h"

#include <algorithm>
#include <bit>

namespace eddy::sim::kafka {

KafkaGenerator::KafkaGenerator(const SimOptions& options, core::Rng rng)
    : max_writes_per_key_(options.max_writes_per_key), assign_p_(options.assign_p), rng_(rng) {
  for (int i = 0; i < options.key_count; ++i) slots_.push_back(i);
}

KafkaOp KafkaGenerator::draw() {
  const bool send = rng_.below(2) == 0;
  // Exponential skew, base 2: an integer r in [0, 2^(n+1) - 2) lands in slot
  // j when r + 2 has bit width j + 2, so slot j has weight 2^(j+1). This is
  // elle's floor(log2(u * scale + 2) - 1) without floating point.
  const auto n = slots_.size();
  const uint64_t scale = (uint64_t{1} << (n + 1)) - 2;
  const auto slot = std::min<size_t>(n - 1, std::bit_width(rng_.below(scale) + 2) - 2);
  while (true) {
    const int64_t key = slots_[slot];
    int64_t& next = next_value_.try_emplace(key, 1).first->second;
    if (send && next > max_writes_per_key_) {
      // The key is used up: its slot gets a fresh key and the draw is redone.
      slots_[slot] = *std::max_element(slots_.begin(), slots_.end()) + 1;
      continue;
    }
    KafkaOp op;
    op.f = send ? checker::OpF::kSend : checker::OpF::kPoll;
    op.key = std::to_string(key);
    if (send) op.value = next++;
    return op;
  }
}

KafkaOp KafkaGenerator::next() {
  if (!pending_) pending_ = draw();
  if (rng_.chance(assign_p_)) {
    KafkaOp assign;
    assign.f = checker::OpF::kAssign;
    if (rng_.below(3) != 0) {
      assign.keys.push_back(pending_->key);
      return assign;
    }
    // The drawn op's key and every key with acknowledged sends not yet all
    // polled: sorted and unique, merged from the kept sorted list.
    const auto at = sent_unseen_at(pending_->key);
    assign.keys.reserve(sent_unseen_.size() + 1);
    assign.keys.assign(sent_unseen_.begin(), at);
    if (at == sent_unseen_.end() || *at != pending_->key) assign.keys.push_back(pending_->key);
    assign.keys.insert(assign.keys.end(), at, sent_unseen_.end());
    return assign;
  }
  KafkaOp op = std::move(*pending_);
  pending_.reset();
  return op;
}

std::map<std::string, int64_t> KafkaGenerator::max_offsets() const {
  return {max_offsets_.begin(), max_offsets_.end()};
}

void KafkaGenerator::note_max(std::string_view key, int64_t offset) {
  auto [it, inserted] = core::try_emplace_view(max_offsets_, key);
  it->second = inserted ? offset : std::max(it->second, offset);
}

std::vector<std::string>::iterator KafkaGenerator::sent_unseen_at(std::string_view key) {
  return std::lower_bound(sent_unseen_.begin(), sent_unseen_.end(), key, core::StringLess{});
}

void KafkaGenerator::retire_if_polled(core::StringMap<Unseen>::iterator it) {
  const Unseen& unseen = it->second;
  if (!unseen.sent || !unseen.polled || *unseen.polled < *unseen.sent) return;
  sent_unseen_.erase(sent_unseen_at(it->first));
  unseen_.erase(it);
}

void KafkaGenerator::on_ok_send(std::string_view key, int64_t offset) {
  note_max(key, offset);
  const auto it = core::try_emplace_view(unseen_, key).first;
  if (!it->second.sent) {
    sent_unseen_.insert(sent_unseen_at(key), std::string(key));
  }
  it->second.sent = std::max(it->second.sent.value_or(offset), offset);
  retire_if_polled(it);
}

void KafkaGenerator::on_ok_poll(const std::vector<checker::PolledKey>& polled) {
  for (const checker::PolledKey& key : polled) {
    if (key.records.empty()) continue;
    int64_t highest = key.records.front().offset;
    for (const checker::PolledRecord& record : key.records)
      highest = std::max(highest, record.offset);
    note_max(key.key, highest);
    const auto it = core::try_emplace_view(unseen_, key.key).first;
    it->second.polled = std::max(it->second.polled.value_or(highest), highest);
    retire_if_polled(it);
  }
}

}  // namespace eddy::sim::kafka
