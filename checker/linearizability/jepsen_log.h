// Reads a single cas-register history from Jepsen's textual log, the format
// of the public etcd corpus (Porcupine's test_data/jepsen, from
// ahorn/linearizability-checker):
//
//     INFO  jepsen.util - PROCESS\t:invoke|:ok|:fail|:info\t:read|:write|:cas\tVALUE
//
// Fields are separated by tabs or runs of spaces. VALUE is `nil` or an
// integer (read, write), `[from to]` (cas), or `:timed-out` (no value).
// Lines not from jepsen.util, and jepsen.util lines whose PROCESS is not an
// integer (the nemesis), are skipped. Integers are their own ValueIds; the
// one key is 0. Pure text in, events out: the caller reads the file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "checker/linearizability/history_check.h"
#include "core/result.h"

namespace eddy::lin {

struct LogError {
  int64_t line = 0;  // 1-based
  std::string message;
};

core::Result<std::vector<HistoryEvent>, LogError> parse_jepsen_log(std::string_view text);

}  // namespace eddy::lin
