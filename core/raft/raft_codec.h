// The wire form of a Raft message (a Maelstrom body of type "raft"):
//
//   {"type":"raft","kind":"append","term":5,"index":10,"log_term":4,
//    "entries":[[5,<command>],...],"commit":9,"round":3}
//
// Fields that are zero, false or empty are left out; `kind` is one of
// pre_vote, pre_vote_reply, vote, vote_reply, append, append_reply, snapshot;
// a snapshot carries "snapshot":[index, term, <data>]. Commands and snapshot
// data are any JSON, spliced verbatim. Part of the codec (json_codec.cc
// calls these); nothing else in core sees the JSON.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/limits.h"
#include "core/raft/message.h"
#include "core/result.h"

namespace eddy::core::raft {

Result<Message, std::string> decode_raft_message(const nlohmann::json& body, const Limits& limits);
void append_raft_message_fields(std::string& out, const Message& message);

}  // namespace eddy::core::raft
