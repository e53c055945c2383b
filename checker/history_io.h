// Reads and writes a History as JSON lines (docs/history-format.md).
#pragma once

#include <istream>
#include <ostream>
#include <string>

#include "checker/history.h"
#include "checker/history_line_writer.h"
#include "core/result.h"

namespace eddy::checker {

// One op as one JSON line (with '\n'), fields in a fixed order so that the
// same history always gives the same bytes.
void append_op_line(const Op& op, std::string& out);

// Parses one line; the error names the field that is wrong.
core::Result<Op, std::string> parse_op_line(std::string_view line);

// Reads a whole history; the error names the line number. Ops must be in
// index order, starting at 0.
core::Result<History, std::string> read_history(std::istream& in);
void write_history(const History& history, std::ostream& out);

// Writes a history op by op, in the same bytes as write_history writes it
// whole: for a history that is still being recorded (sim/live_history.h).
extern template class HistoryLineWriter<Op>;
using HistoryWriter = HistoryLineWriter<Op>;

}  // namespace eddy::checker
