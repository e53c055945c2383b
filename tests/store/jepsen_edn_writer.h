// Test support: writes an Eddy kafka History as a Maelstrom history.edn
// would hold it (Jepsen's op maps, one a line; docs/maelstrom-semantics.md
// section 4.3), so that the import can be checked against a known history
// and timed on big ones. Every nemesis op is written as the start of a
// majority partition; node, client and committed are not written (Jepsen's
// histories have no such fields).
#pragma once

#include <string>

#include "checker/history.h"
#include "core/json_writer.h"

namespace eddy::checker::testing {

// EDN strings escape like JSON strings for what Eddy's histories hold.
inline void append_edn_string(std::string& out, std::string_view text) {
  core::append_string(out, text);
}

inline void append_message(std::string& out, int64_t value) {
  if (value == kNonIntegerValue) {
    out.append("\"not an integer\"");
  } else {
    core::append_int(out, value);
  }
}

inline void append_jepsen_op(const Op& op, std::string& out) {
  out.append("{:index ");
  core::append_int(out, op.index);
  out.append(", :time ");
  core::append_int(out, op.time_us * 1000);
  out.append(", :type :");
  out.append(to_string(op.type));
  out.append(", :process ");
  if (op.process == kNemesisProcess) {
    out.append(":nemesis, :f :start-partition, :value :majority}\n");
    return;
  }
  core::append_int(out, op.process);
  out.append(", :f :");
  out.append(to_string(op.f));
  out.append(", :value ");
  switch (op.f) {
    case OpF::kSend:
      out.append("[[:send ");
      append_edn_string(out, op.key);
      out.push_back(' ');
      if (op.offset && op.type != OpType::kInvoke) {
        out.push_back('[');
        core::append_int(out, *op.offset);
        out.push_back(' ');
        append_message(out, op.value);
        out.push_back(']');
      } else {
        append_message(out, op.value);
      }
      out.append("]]");
      break;
    case OpF::kPoll:
      if (op.type == OpType::kInvoke || (op.polled.empty() && op.type != OpType::kOk)) {
        out.append("[[:poll]]");
        break;
      }
      out.append("[[:poll {");
      for (size_t k = 0; k < op.polled.size(); ++k) {
        if (k > 0) out.append(", ");
        append_edn_string(out, op.polled[k].key);
        out.append(" [");
        for (size_t r = 0; r < op.polled[k].records.size(); ++r) {
          out.append(r > 0 ? " [" : "[");
          core::append_int(out, op.polled[k].records[r].offset);
          out.push_back(' ');
          append_message(out, op.polled[k].records[r].value);
          out.push_back(']');
        }
        out.push_back(']');
      }
      out.append("}]]");
      break;
    case OpF::kAssign:
      out.push_back('[');
      for (size_t k = 0; k < op.keys.size(); ++k) {
        if (k > 0) out.push_back(' ');
        append_edn_string(out, op.keys[k]);
      }
      out.push_back(']');
      if (op.seek_to_beginning) out.append(", :seek-to-beginning? true");
      break;
    case OpF::kCrash:
    case OpF::kNemesis:
      out.append("nil");
      break;
  }
  if (!op.error.empty()) {
    out.append(", :error ");
    append_edn_string(out, op.error);
  }
  out.append("}\n");
}

inline std::string to_jepsen_edn(const History& history) {
  std::string out;
  for (const Op& op : history) append_jepsen_op(op, out);
  return out;
}

// What the import gives back for `op` written by append_jepsen_op.
inline Op as_imported(Op op) {
  op.node.clear();
  op.client.clear();
  op.committed.reset();
  if (op.process == kNemesisProcess) {
    op.type = OpType::kInfo;
    op.nemesis = "start-partition :majority";
  }
  if (op.f == OpF::kSend && op.type == OpType::kInvoke) op.offset.reset();
  return op;
}

}  // namespace eddy::checker::testing
