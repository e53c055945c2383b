// EDDY_INVARIANT: aborts with a message when an internal invariant is broken.
// Bad input never reaches it (that is a Result); it guards the node's own
// bookkeeping, like TigerBeetle's assertions. Writing the message to stderr
// is the only I/O core/ does, and only on the way to abort().
#pragma once

#include <string>

namespace eddy::core {

[[noreturn]] void invariant_failed(const char* file, int line, const std::string& what);

}  // namespace eddy::core

#define EDDY_INVARIANT(condition, what)                                           \
  do {                                                                            \
    if (!(condition)) ::eddy::core::invariant_failed(__FILE__, __LINE__, (what)); \
  } while (false)
