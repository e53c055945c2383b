#include "node_main/line_splitter.h"

namespace eddy::node_main {

void LineSplitter::feed(std::string_view chunk,
                        const std::function<void(std::string_view)>& on_line,
                        const std::function<void(size_t)>& on_overlong) {
  while (!chunk.empty()) {
    const size_t newline = chunk.find('\n');
    const std::string_view piece = chunk.substr(0, newline);
    if (dropped_bytes_ > 0) {
      dropped_bytes_ += piece.size();
    } else if (partial_.size() + piece.size() > held_bytes_max_) {
      dropped_bytes_ = partial_.size() + piece.size();
      partial_.clear();
      partial_.shrink_to_fit();
    } else if (newline != std::string_view::npos && partial_.empty()) {
      on_line(piece);  // the common case: a whole line inside one chunk, no copy
    } else {
      partial_.append(piece);
    }
    if (newline == std::string_view::npos) return;
    if (dropped_bytes_ > 0) {
      on_overlong(dropped_bytes_);
      dropped_bytes_ = 0;
    } else if (!partial_.empty()) {
      on_line(partial_);
      partial_.clear();
    }
    chunk.remove_prefix(newline + 1);
  }
}

void LineSplitter::finish(const std::function<void(std::string_view)>& on_line,
                          const std::function<void(size_t)>& on_overlong) {
  if (dropped_bytes_ > 0) on_overlong(dropped_bytes_);
  if (!partial_.empty()) on_line(partial_);
  dropped_bytes_ = 0;
  partial_.clear();
}

}  // namespace eddy::node_main
