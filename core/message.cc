#include "core/message.h"

#include "core/overloaded.h"

namespace eddy::core {

std::string_view body_type(const Body& body) {
  return std::visit(
      Overloaded{
          [](const InitBody&) -> std::string_view { return "init"; },
          [](const InitOkBody&) -> std::string_view { return "init_ok"; },
          [](const ErrorBody&) -> std::string_view { return "error"; },
          [](const SendBody&) -> std::string_view { return "send"; },
          [](const SendOkBody&) -> std::string_view { return "send_ok"; },
          [](const PollBody&) -> std::string_view { return "poll"; },
          [](const PollOkBody&) -> std::string_view { return "poll_ok"; },
          [](const CommitOffsetsBody&) -> std::string_view { return "commit_offsets"; },
          [](const CommitOffsetsOkBody&) -> std::string_view { return "commit_offsets_ok"; },
          [](const ListCommittedOffsetsBody&) -> std::string_view {
            return "list_committed_offsets";
          },
          [](const ListCommittedOffsetsOkBody&) -> std::string_view {
            return "list_committed_offsets_ok";
          },
          [](const KvReadBody&) -> std::string_view { return "read"; },
          [](const KvReadOkBody&) -> std::string_view { return "read_ok"; },
          [](const KvWriteBody&) -> std::string_view { return "write"; },
          [](const KvWriteOkBody&) -> std::string_view { return "write_ok"; },
          [](const KvCasBody&) -> std::string_view { return "cas"; },
          [](const KvCasOkBody&) -> std::string_view { return "cas_ok"; },
          [](const TsBody&) -> std::string_view { return "ts"; },
          [](const TsOkBody&) -> std::string_view { return "ts_ok"; },
          [](const GossipBody&) -> std::string_view { return "gossip"; },
          [](const VerifyLinearizabilityBody&) -> std::string_view {
            return "verify_linearizability";
          },
          [](const VerifyLinearizabilityOkBody&) -> std::string_view {
            return "verify_linearizability_ok";
          },
          [](const PartitionTestBody&) -> std::string_view { return "partition_test"; },
          [](const PartitionTestOkBody&) -> std::string_view { return "partition_test_ok"; },
          [](const RaftBody&) -> std::string_view { return "raft"; },
          [](const UnknownBody& unknown) -> std::string_view { return unknown.type; },
      },
      body);
}

}  // namespace eddy::core
