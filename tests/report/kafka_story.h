// KafkaStory: a kafka history written as a story, for the report's tests:
// each call appends the next entry with its index.
#pragma once

#include <cstdint>
#include <string>

#include "checker/history.h"

namespace eddy::sim::html_report {

class KafkaStory {
 public:
  checker::Op& add(int64_t time_us, int64_t process, checker::OpType type, checker::OpF f) {
    checker::Op op;
    op.index = static_cast<int64_t>(history_.size());
    op.time_us = time_us;
    op.process = process;
    op.type = type;
    op.f = f;
    history_.push_back(op);
    return history_.back();
  }
  checker::Op& send(int64_t t, int64_t p, checker::OpType type, const std::string& key,
                    int64_t value) {
    checker::Op& op = add(t, p, type, checker::OpF::kSend);
    op.key = key;
    op.value = value;
    return op;
  }
  void nemesis(int64_t t, const std::string& text) {
    add(t, checker::kNemesisProcess, checker::OpType::kInfo, checker::OpF::kNemesis).nemesis = text;
  }
  const checker::History& history() const { return history_; }

 private:
  checker::History history_;
};

}  // namespace eddy::sim::html_report
