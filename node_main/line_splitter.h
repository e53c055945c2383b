// LineSplitter: turns the bytes read from stdin into lines, with a bound on
// how much of one line it will hold. A line longer than `held_bytes_max` is
// not kept: its bytes are counted and dropped up to the next newline, and it
// is reported as an overlong line so that the node can log it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace eddy::node_main {

class LineSplitter {
 public:
  explicit LineSplitter(size_t held_bytes_max) : held_bytes_max_(held_bytes_max) {}

  // Feeds a chunk; calls on_line(line) for every complete line (without '\n'),
  // or on_overlong(total_bytes) for each line that exceeded the bound.
  void feed(std::string_view chunk, const std::function<void(std::string_view)>& on_line,
            const std::function<void(size_t)>& on_overlong);
  // At end of input: a last line without a newline still counts.
  void finish(const std::function<void(std::string_view)>& on_line,
              const std::function<void(size_t)>& on_overlong);

 private:
  size_t held_bytes_max_;
  std::string partial_;       // the start of a line whose newline has not come yet
  size_t dropped_bytes_ = 0;  // > 0 while skipping an overlong line
};

}  // namespace eddy::node_main
