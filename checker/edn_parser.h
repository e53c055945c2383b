// Internal to the EDN reader (edn.h): one call parses one top-level form out
// of a contiguous buffer, without recursion, into an EdnForm. parse_edn and
// EdnReader drive it; see edn_parser.cc for how.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checker/edn.h"

namespace eddy::checker {

// Where the parser stands: a byte, the line it is on, and where that line
// starts relative to EdnParseState::base (negative when the line began in a
// part of the stream no longer held).
struct EdnCursor {
  const char* p = nullptr;
  int64_t line = 1;
  int64_t line_start = 0;
};

struct EdnParseState {
  const char* base = nullptr;  // columns count from here
  const char* end = nullptr;
  bool final = true;  // nothing follows `end`
  EdnCursor cur;      // in: where to start; out: just past the form
  // Out, on kNeedMore: where the form (or the blanks before it) began, which
  // a reader must keep and parse again once it has more input.
  EdnCursor form_start;
  EdnError error;  // out, on kError
};

enum class EdnStep {
  kValue,     // `form` holds a value
  kEnd,       // nothing but blanks, comments and discarded forms was left
  kNeedMore,  // the input ended inside a form (or a token) and is not final
  kError,
};

EdnStep parse_form(EdnParseState& state, const EdnLimits& limits, EdnForm& form,
                   std::vector<detail::EdnFrame>& frames);

// "line 3, column 7"
std::string position_text(EdnPosition at);

}  // namespace eddy::checker
