#include "node_main/stdio_driver.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>

#include "core/json_codec.h"
#include "core/overloaded.h"

namespace eddy::node_main {
namespace {

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace

StdioDriver::StdioDriver(core::Node& node, const core::Limits& limits, DriverOptions options)
    : node_(node),
      limits_(limits),
      options_(options),
      splitter_(options.held_line_bytes_max),
      start_ns_(steady_ns()) {}

int64_t StdioDriver::now_ms() const { return (steady_ns() - start_ns_) / 1'000'000; }

int StdioDriver::run() {
  const auto on_line = [this](std::string_view line) { handle_line(line); };
  const auto on_overlong = [this](size_t bytes) {
    log(core::LogLevel::kWarn, "dropped an input line of " + std::to_string(bytes) +
                                   " bytes unread (over " +
                                   std::to_string(options_.held_line_bytes_max) + " bytes)");
  };
  std::vector<char> chunk(1 << 16);
  while (true) {
    int timeout_ms = -1;
    if (const auto due = timers_.next_due_ms()) {
      timeout_ms =
          static_cast<int>(std::max<int64_t>(0, std::min<int64_t>(*due - now_ms(), 60'000)));
    }
    pollfd input{options_.input_fd, POLLIN, 0};
    const int ready = ::poll(&input, 1, timeout_ms);
    if (ready < 0 && errno != EINTR) {
      log(core::LogLevel::kWarn, std::string("poll failed: ") + std::strerror(errno));
      return 1;
    }
    if (ready > 0) {
      const ssize_t got = ::read(options_.input_fd, chunk.data(), chunk.size());
      if (got < 0 && errno != EINTR && errno != EAGAIN) {
        log(core::LogLevel::kWarn, std::string("read failed: ") + std::strerror(errno));
        return 1;
      }
      if (got == 0) {
        splitter_.finish(on_line, on_overlong);
        if (failed_) return 1;
        return flush() ? 0 : 1;
      }
      if (got > 0) splitter_.feed({chunk.data(), static_cast<size_t>(got)}, on_line, on_overlong);
    }
    fire_due_timers();
    if (failed_) return 1;
    if (!flush()) return 1;
  }
}

void StdioDriver::handle_line(std::string_view line) {
  if (failed_ || is_blank(line)) return;
  core::DecodeResult decoded = core::decode_line(line, limits_);
  if (decoded) {
    step(core::Received{std::move(decoded).value()});
  } else {
    step(core::Rejected{decoded.error()});
  }
}

void StdioDriver::fire_due_timers() {
  const int64_t now = now_ms();
  while (!failed_) {
    const auto timer = timers_.pop_due(now);
    if (!timer) break;
    step(core::TimerFired{*timer});
  }
}

void StdioDriver::step(core::Event event) {
  effects_.clear();
  node_.step(now_ms(), std::move(event), effects_);
  for (core::Effect& effect : effects_) {
    if (!execute(effect)) {
      // Whatever followed the persist may depend on it: none of it runs.
      failed_ = true;
      return;
    }
  }
}

bool StdioDriver::execute(core::Effect& effect) {
  return std::visit(core::Overloaded{
                        [&](core::SendEffect& send) {
                          core::encode_line(send.message, out_);
                          return true;
                        },
                        [&](core::SetTimerEffect& timer) {
                          timers_.set(timer.timer, timer.due_ms);
                          return true;
                        },
                        [&](core::LogEffect& entry) {
                          log(entry.level, entry.text);
                          return true;
                        },
                        [&](core::PersistEffect& persist) {
                          // Without --data-dir, in memory: Maelstrom never restarts a
                          // node, so nothing needs to outlive the process.
                          if (options_.persist_file == nullptr) return true;
                          // Synchronous: the record is on disk before the next effect is
                          // executed, so no send buffered after it can leave first.
                          const std::string error = options_.persist_file->append(persist);
                          if (error.empty()) return true;
                          log(core::LogLevel::kWarn, "persist failed, stopping: " + error);
                          return false;
                        },
                    },
                    effect);
}

void StdioDriver::log(core::LogLevel level, std::string_view text) {
  if (level < options_.log_level_min) return;
  static constexpr const char* kNames[] = {"debug", "info", "warn"};
  std::cerr << "[" << kNames[static_cast<int>(level)] << "] " << text << '\n';
}

bool StdioDriver::flush() {
  size_t written = 0;
  while (written < out_.size()) {
    const ssize_t n = ::write(options_.output_fd, out_.data() + written, out_.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      log(core::LogLevel::kWarn, std::string("write to stdout failed: ") + std::strerror(errno));
      return false;
    }
    written += static_cast<size_t>(n);
  }
  out_.clear();
  return true;
}

}  // namespace eddy::node_main
