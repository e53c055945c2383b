#include "core/invariant.h"

// Not an effect, and deliberately so: a broken invariant means the node's own
// state is wrong, so no further step may run and no effect may be trusted to
// reach a driver. The process aborts; the one line it writes to stderr on the
// way is its crash report, the only I/O core/ does (see invariant.h).
#include <cstdio>  // not an effect: once state is broken, no effect can be trusted (above)
#include <cstdlib>

namespace eddy::core {

void invariant_failed(const char* file, int line, const std::string& what) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what.c_str());
  std::abort();
}

}  // namespace eddy::core
