// HistoryLineWriter<Op>: a history written op by op as JSON lines, in the
// same bytes as the whole-history writers (write_history,
// write_linkv_history), for a history that is still being recorded
// (sim/live_history.h). One template serves both formats: the buffer and its
// flushing are shared (json_fields.h's LineBuffer), and each format's .cc
// gives add() its own line writer and instantiates the class for its op.
#pragma once

#include <memory>
#include <ostream>

namespace eddy::checker {

namespace detail {
class LineBuffer;
}

template <class Op>
class HistoryLineWriter {
 public:
  explicit HistoryLineWriter(std::ostream& out);
  ~HistoryLineWriter();
  HistoryLineWriter(const HistoryLineWriter&) = delete;
  HistoryLineWriter& operator=(const HistoryLineWriter&) = delete;
  void add(const Op& op);
  // Hands what is buffered to the stream: at the end, or to see it there.
  void flush();

 private:
  std::unique_ptr<detail::LineBuffer> lines_;
};

}  // namespace eddy::checker
