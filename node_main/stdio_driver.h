// StdioDriver: runs a core::Node on stdin/stdout, the way Maelstrom runs a
// node binary. It is the only place that reads a clock or does I/O:
//  - waits on stdin with the next timer's due time as its timeout;
//  - decodes each line and steps the node with it;
//  - executes effects in order: Send -> one line on stdout, SetTimer -> its
//    table, Log -> stderr, Persist -> a record appended to the persist file
//    and fsync'd there and then (with --data-dir; ignored without), so it is
//    durable before the driver executes the next effect and before any send
//    buffered after it leaves;
//  - flushes stdout once per batch of input, before it waits again, so no
//    reply waits for more input;
//  - returns 0 at end of input, 1 when stdin, stdout or the persist file
//    fails (after a failed persist nothing that followed it is sent).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/limits.h"
#include "core/node.h"
#include "node_main/line_splitter.h"
#include "node_main/persist_file.h"
#include "node_main/timer_table.h"

namespace eddy::node_main {

struct DriverOptions {
  int input_fd = 0;
  int output_fd = 1;
  // Lines longer than this are dropped unread (only logged); lines between
  // line_bytes_max and this are probed for their envelope and answered with 12.
  size_t held_line_bytes_max = 64 << 20;
  core::LogLevel log_level_min = core::LogLevel::kInfo;
  // Where PersistEffects go (not owned); null: nowhere, as Maelstrom never
  // restarts a node.
  PersistFile* persist_file = nullptr;
};

class StdioDriver {
 public:
  StdioDriver(core::Node& node, const core::Limits& limits, DriverOptions options);
  int run();

 private:
  int64_t now_ms() const;
  void handle_line(std::string_view line);
  void fire_due_timers();
  void step(core::Event event);
  // False if the effect could not be executed (a persist that failed).
  bool execute(core::Effect& effect);
  void log(core::LogLevel level, std::string_view text);
  bool flush();

  core::Node& node_;
  core::Limits limits_;
  DriverOptions options_;
  LineSplitter splitter_;
  TimerTable timers_;
  std::vector<core::Effect> effects_;
  std::string out_;
  int64_t start_ns_;
  bool failed_ = false;  // a persist failed: step no more, send nothing more
};

}  // namespace eddy::node_main
