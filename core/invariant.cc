#include "core/invariant.h"

#include <cstdio>  // only for the dying message; see invariant.h
#include <cstdlib>

namespace eddy::core {

void invariant_failed(const char* file, int line, const std::string& what) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what.c_str());
  std::abort();
}

}  // namespace eddy::core
