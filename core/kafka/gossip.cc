#include "core/kafka/gossip.h"

#include <algorithm>
#include <utility>

#include "core/invariant.h"
#include "core/kafka/local_service.h"
#include "core/kafka/poll_reply.h"
#include "core/overloaded.h"

namespace eddy::core::kafka {
namespace {

constexpr uint64_t kFlushTimer = 1;

}  // namespace

void GossipKafka::on_init(Context& ctx) {
  const auto& ids = ctx.node_ids();
  node_count_ = static_cast<int>(ids.size());
  for (int i = 0; i < node_count_; ++i) {
    const std::string& id = ids[static_cast<size_t>(i)];
    if (id == ctx.node_id()) {
      self_ = i;
      continue;
    }
    link_of_.emplace(id, links_.size());
    Link link;
    link.peer = id;
    link.index = i;
    links_.push_back(std::move(link));
  }
  if (config_.flaw == GossipConfig::Flaw::kOverlappingClasses) {
    self_ = 0;  // every node allocates as if it were alone: offsets collide
    node_count_ = 1;
  }
  if (!links_.empty()) ctx.set_timer(kFlushTimer, ctx.now_ms() + config_.interval_ms);
}

int64_t GossipKafka::first_in_class_above(int64_t offset) const {
  // The smallest o > offset with o mod N == self.
  const int64_t n = node_count_;
  const int64_t base = offset + 1;
  const int64_t remainder = ((base % n) + n) % n;
  return base + ((self_ - remainder + n) % n);
}

GossipKafka::KeyState& GossipKafka::key_state(std::string_view key) {
  auto it = keys_.find(key);
  if (it == keys_.end()) {
    it = keys_.emplace(std::string(key), KeyState{}).first;
    it->second.next = self_;  // the first offset of this node's class
    it->second.peer_watermarks.assign(links_.size(), kNeverHeard);
  }
  return it->second;
}

RecordStore& GossipKafka::records_of(std::string_view key, KeyState& state) {
  if (state.records == nullptr) state.records = &log_.records_of(key);
  return *state.records;
}

void GossipKafka::see_offset(std::string_view key, KeyState& state, int64_t offset) {
  if (state.next > offset) return;
  state.next = first_in_class_above(offset);
  broadcast(GossipItem::Kind::kWatermark, key, state.next);
}

void GossipKafka::broadcast(GossipItem::Kind kind, std::string_view key, int64_t offset,
                            Value msg) {
  // Made once, when a link first needs it, and shared by every link that does.
  Rc<GossipItem> item;
  for (Link& link : links_) {
    // A watermark or commit not yet sent can be raised in place: the peer
    // only ever needs the latest, and nothing after it in the outbox yet.
    const int64_t last_seq = link.outbox_first + static_cast<int64_t>(link.outbox.size()) - 1;
    if (kind != GossipItem::Kind::kEntry && !link.outbox.empty() && last_seq > link.sent_upto) {
      Rc<GossipItem>& last = link.outbox.back();
      if (last->kind == kind && last->key == key) {
        if (offset <= last->offset) continue;
        // Raised for this link alone: another link may have sent it already.
        if (last.unique()) {
          last.mutable_value().offset = offset;
        } else {
          last = Rc<GossipItem>::make(GossipItem{kind, last->key, offset, Value()});
        }
        continue;
      }
    }
    if (!item)
      item = Rc<GossipItem>::make(GossipItem{kind, std::string(key), offset, std::move(msg)});
    link.outbox.push_back(item);
  }
}

int64_t GossipKafka::safe_end(std::string_view key) const {
  const auto it = keys_.find(key);
  return safe_end(it == keys_.end() ? nullptr : &it->second);
}

int64_t GossipKafka::safe_end(const KeyState* state) const {
  int64_t end = state == nullptr ? self_ : state->next;
  if (config_.flaw == GossipConfig::Flaw::kPollPastHoles) return end;
  for (size_t i = 0; i < links_.size(); ++i) {
    const int64_t heard = state == nullptr ? kNeverHeard : state->peer_watermarks[i];
    // A peer that never spoke of the key may still allocate its class's first offset.
    end = std::min(end, heard == kNeverHeard ? static_cast<int64_t>(links_[i].index) : heard);
  }
  return end;
}

bool GossipKafka::on_request(Context& ctx, Message& request) {
  if (auto* gossip = std::get_if<GossipBody>(&request.body)) {
    on_gossip(ctx, request.src, *gossip);
    return true;
  }
  return serve(ctx, request);
}

bool GossipKafka::serve(Context& ctx, Message& request) {
  return std::visit(
      Overloaded{
          [&](SendBody& send) {
            KeyState& state = key_state(send.key);
            const int64_t offset = state.next;
            state.next = first_in_class_above(offset);
            EDDY_INVARIANT(
                records_of(send.key, state).insert(offset, send.msg),
                "offset " + std::to_string(offset) + " of '" + send.key + "' taken twice");
            broadcast(GossipItem::Kind::kEntry, send.key, offset, std::move(send.msg));
            broadcast(GossipItem::Kind::kWatermark, send.key, state.next);
            ctx.reply(request, SendOkBody{offset});
            return true;
          },
          [&](PollBody& poll) {
            ctx.reply(request, poll_reply(poll.offsets, ctx.limits(), [this](std::string_view key) {
                        const auto it = keys_.find(key);
                        if (it == keys_.end()) return PollView{nullptr, safe_end(nullptr)};
                        return PollView{it->second.records, safe_end(&it->second)};
                      }));
            return true;
          },
          [&](CommitOffsetsBody& commit) {
            for (const auto& [key, offset] : commit.offsets) {
              KeyState& state = key_state(key);
              if (state.committed && *state.committed >= offset) continue;
              state.committed = offset;
              broadcast(GossipItem::Kind::kCommit, key, offset);
            }
            ctx.reply(request, CommitOffsetsOkBody{});
            return true;
          },
          [&](ListCommittedOffsetsBody& list) {
            ctx.reply(request, list_reply(list.keys, [this](std::string_view key) {
                        const auto it = keys_.find(key);
                        return it == keys_.end() ? std::nullopt : it->second.committed;
                      }));
            return true;
          },
          [](auto&) { return false; },
      },
      request.body);
}

void GossipKafka::on_gossip(Context& ctx, const std::string& src, GossipBody& gossip) {
  const auto found = link_of_.find(src);
  if (found == link_of_.end()) {
    ctx.log(LogLevel::kWarn, "gossip from " + src + ", which is not a peer");
    return;
  }
  Link& link = links_[found->second];
  // Acknowledged items need not be kept.
  if (gossip.ack > link.acked) {
    link.acked = std::min(gossip.ack, link.sent_upto);
    link.unacked_since_ms = ctx.now_ms();
    while (!link.outbox.empty() && link.outbox_first <= link.acked) {
      link.outbox.pop_front();
      ++link.outbox_first;
    }
  }
  // Items apply only in sequence order: a batch that starts past the next
  // expected number (an earlier one was lost or overtaken) is dropped, and
  // the peer resends from what we acknowledge.
  if (gossip.first_seq > link.applied + 1) return;
  // Items in a row often name the same key (an entry, then the watermark it
  // raised): its state is looked up once for the row.
  const std::string* row_key = nullptr;
  KeyState* row_state = nullptr;
  for (size_t i = 0; i < gossip.items.size(); ++i) {
    const int64_t seq = gossip.first_seq + static_cast<int64_t>(i);
    if (seq <= link.applied) continue;
    const GossipItem& item = *gossip.items[i];
    if (row_key == nullptr || !StringEqual{}(*row_key, item.key)) {
      row_key = &item.key;
      row_state = &key_state(item.key);
    }
    apply(link, item, *row_state);
    link.applied = seq;
  }
}

void GossipKafka::apply(Link& link, const GossipItem& item, KeyState& state) {
  switch (item.kind) {
    case GossipItem::Kind::kEntry: {
      records_of(item.key, state).insert(item.offset, item.msg);  // a copy: the item is shared
      see_offset(item.key, state, item.offset);
      return;
    }
    case GossipItem::Kind::kWatermark: {
      int64_t& heard = state.peer_watermarks[static_cast<size_t>(&link - links_.data())];
      heard = heard == kNeverHeard ? item.offset : std::max(heard, item.offset);
      return;
    }
    case GossipItem::Kind::kCommit: {
      if (!state.committed || *state.committed < item.offset) state.committed = item.offset;
      return;
    }
  }
}

void GossipKafka::on_timer(Context& ctx, uint64_t arg) {
  if (arg != kFlushTimer) return;
  flush(ctx);
  ctx.set_timer(kFlushTimer, ctx.now_ms() + config_.interval_ms);
}

void GossipKafka::flush(Context& ctx) {
  const int64_t now = ctx.now_ms();
  for (Link& link : links_) {
    const int64_t last_seq = link.outbox_first + static_cast<int64_t>(link.outbox.size()) - 1;
    if (link.acked < link.sent_upto && now - link.unacked_since_ms >= config_.retransmit_ms) {
      send_batch(ctx, link, link.acked + 1);  // something went missing: resend
    } else if (last_seq > link.sent_upto) {
      send_batch(ctx, link, link.sent_upto + 1);
    } else if (link.applied > link.applied_acked) {
      send_batch(ctx, link, last_seq + 1);  // nothing new: an acknowledgement alone
    }
  }
}

void GossipKafka::send_batch(Context& ctx, Link& link, int64_t from_seq) {
  GossipBody batch;
  batch.first_seq = from_seq;
  batch.ack = link.applied;
  const int64_t last_seq = link.outbox_first + static_cast<int64_t>(link.outbox.size()) - 1;
  if (from_seq <= last_seq) {
    const auto first = link.outbox.begin() + (from_seq - link.outbox_first);
    const int64_t count = std::min(last_seq - from_seq + 1, config_.batch_items_max);
    batch.items.assign(first, first + count);  // shared, not copied
  }
  // The wait for an acknowledgement starts when a batch goes out with nothing
  // else outstanding, or again when one is resent.
  if (link.acked == link.sent_upto || from_seq <= link.acked + 1)
    link.unacked_since_ms = ctx.now_ms();
  link.sent_upto =
      std::max(link.sent_upto, from_seq + static_cast<int64_t>(batch.items.size()) - 1);
  link.applied_acked = link.applied;
  ctx.send(link.peer, std::move(batch));
}

const char* GossipKafka::broken_key_state(const std::string& key, const KeyState& state) const {
  if (((state.next % node_count_) + node_count_) % node_count_ != self_) {
    return "is outside this node's class";
  }
  if (log_.contains(key, state.next)) return "is already stored";
  return nullptr;
}

void GossipKafka::check_invariants() const {
  log_.check_invariants();
  // As KafkaLog's: a pass in the map's own order, then, only if something
  // is broken, one in key order, so that the first violation named is the
  // same on any standard library.
  const bool all_hold = std::all_of(keys_.begin(), keys_.end(), [&](const auto& entry) {
    return broken_key_state(entry.first, entry.second) == nullptr;
  });
  if (!all_hold) {
    std::vector<const std::pair<const std::string, KeyState>*> sorted;
    sorted.reserve(keys_.size());
    for (const auto& entry : keys_) sorted.push_back(&entry);
    std::sort(sorted.begin(), sorted.end(),
              [](const auto* a, const auto* b) { return a->first < b->first; });
    for (const auto* entry : sorted) {
      const char* broken = broken_key_state(entry->first, entry->second);
      EDDY_INVARIANT(broken == nullptr,
                     "next offset of '" + entry->first + "' " + std::string(broken));
    }
  }
  for (const Link& link : links_) {
    EDDY_INVARIANT(link.acked <= link.sent_upto, "a peer acknowledged items never sent");
    EDDY_INVARIANT(link.outbox_first == link.acked + 1 || link.outbox.empty() ||
                       link.outbox_first > link.acked,
                   "acknowledged items are still in the outbox");
  }
}

}  // namespace eddy::core::kafka
