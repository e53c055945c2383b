// The messages Raft nodes exchange (the Raft thesis, chapter 3, with PreVote
// from 9.6 and ReadIndex from 6.4), typed. They travel as the body of a
// Maelstrom message of type "raft" (core/json_codec.cc encodes them).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/raft/log.h"
#include "core/value.h"

namespace eddy::core::raft {

enum class MessageKind : uint8_t {
  kPreVote,       // may I run in term `term`? (my term is still term - 1)
  kPreVoteReply,  // term: the request's when granted, mine when not
  kVote,          // vote for me in term `term`
  kVoteReply,
  kAppend,       // append `entries` after (index, log_term); heartbeats are empty appends
  kAppendReply,  // index: the last index known to match (or the rejected one)
  kSnapshot,     // install `snapshot`: the state machine through (index, log_term)
};

std::string_view to_string(MessageKind kind);

struct SnapshotData {
  Index index = 0;
  Term term = 0;
  Value data;
  friend bool operator==(const SnapshotData&, const SnapshotData&) = default;
};

struct Message {
  MessageKind kind = MessageKind::kAppend;
  Term term = 0;
  // kPreVote, kVote: the candidate's last log index and term.
  // kAppend: the index and term of the entry before `entries`.
  // kAppendReply: success: the last index the follower now shares with the
  // leader; reject: the index whose term did not match.
  Index index = 0;
  Term log_term = 0;
  std::vector<Entry> entries{};  // kAppend
  Index commit = 0;              // kAppend: the leader's commit index
  bool reject = false;           // replies
  // kAppendReply rejected: where the leader should look next (the Raft
  // thesis's fast back-off): the first index of the follower's conflicting
  // term (hint_term), or its last index + 1 when its log is too short
  // (hint_term 0).
  Index hint_index = 0;
  Term hint_term = 0;
  // kAppend, kSnapshot, kAppendReply: the leader's newest round when it
  // sent the message, echoed back; an echo confirms the leadership for every
  // read registered before that round started (docs/raft.md, "Reads").
  int64_t read_round = 0;
  std::optional<SnapshotData> snapshot{};  // kSnapshot

  friend bool operator==(const Message&, const Message&) = default;
};

}  // namespace eddy::core::raft
