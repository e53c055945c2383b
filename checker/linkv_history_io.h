// Reads and writes a LinKvHistory as JSON lines (docs/history-format.md,
// "The lin-kv history format"). One op a line, fields in a fixed order, so
// the same history always gives the same bytes.
#pragma once

#include <istream>
#include <ostream>
#include <string>
#include <string_view>

#include "checker/history_line_writer.h"
#include "checker/linkv_history.h"
#include "core/result.h"

namespace eddy::checker {

void append_linkv_op_line(const LinKvOp& op, std::string& out);

// Parses one line; the error names the field that is wrong.
core::Result<LinKvOp, std::string> parse_linkv_op_line(std::string_view line);

// Reads a whole history; the error names the line number. Ops must be in
// index order, starting at 0. Lines longer than `line_bytes_max` are refused
// before they are parsed.
core::Result<LinKvHistory, std::string> read_linkv_history(std::istream& in,
                                                           size_t line_bytes_max = 1 << 20);
void write_linkv_history(const LinKvHistory& history, std::ostream& out);

// Writes a history op by op, in the same bytes as write_linkv_history writes it
// whole: for a history that is still being recorded (sim/live_history.h).
extern template class HistoryLineWriter<LinKvOp>;
using LinKvHistoryWriter = HistoryLineWriter<LinKvOp>;

}  // namespace eddy::checker
