// DiagramData: the messages of a run for report.html's Lamport diagram, from
// the simulator's journal (in memory after `eddy-sim test --journal`, or
// journal.jsonl read back by `eddy-sim check`). One lane per endpoint:
// clients, then nodes, then services, each in natural order (c2 before
// c10); one arrow per message, by send time, with its body's type; a
// message never delivered (dropped, lost with a crashed node, to a closed
// client) has no receive time. Bounded: at most `messages_max` messages are
// kept, and the report says how many there were.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "core/result.h"
#include "sim/network.h"

namespace eddy::sim::html_report {

struct DiagramMessage {
  int32_t from = 0;  // lane
  int32_t to = 0;
  int64_t sent_us = 0;
  int64_t received_us = -1;  // -1: never delivered
  int32_t type = 0;          // index into DiagramData::types
};

struct DiagramData {
  std::vector<std::string> lanes;
  std::vector<std::string> types;        // sorted
  std::vector<DiagramMessage> messages;  // by send time, then journal order
  int64_t total = 0;                     // messages in the journal
};

inline constexpr size_t kDiagramMessagesMax = 250'000;

// One journaled message, workload-neutral: what the diagram needs of it.
struct JournalLine {
  std::string src, dest, type;
  int64_t sent_us = 0;
  int64_t received_us = -1;
};

DiagramData build_diagram(const std::vector<JournalLine>& lines,
                          size_t messages_max = kDiagramMessagesMax);
std::vector<JournalLine> journal_lines(const std::vector<JournalEntry>& journal);
// journal.jsonl as write_run_folder writes it; the error names the line.
core::Result<std::vector<JournalLine>, std::string> read_journal(std::istream& in);

// Natural order of endpoint names: clients (c...), nodes (n...), then the
// rest (services), numbers compared as numbers.
bool lane_before(const std::string& a, const std::string& b);

}  // namespace eddy::sim::html_report
