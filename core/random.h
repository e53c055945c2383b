// Rng: the one pseudo-random generator of Eddy (xoshiro256**, seeded through
// splitmix64), with our own bounded-integer mapping so that a seed gives the
// same draws on every standard library (std::uniform_int_distribution does
// not). Nothing in core/ or sim/ draws randomness any other way.
#pragma once

#include <cstdint>
#include <string_view>

namespace eddy::core {

class Rng {
 public:
  explicit Rng(uint64_t seed);

  uint64_t next_u64();
  // Uniform in [0, bound); bound > 0. Lemire's multiply-shift with rejection,
  // so there is no modulo bias.
  uint64_t below(uint64_t bound);
  // Uniform in [lo, hi]; lo <= hi.
  int64_t between(int64_t lo, int64_t hi);
  // Uniform in [0, 1) with 53 bits of precision.
  double unit();
  // True with probability `p` (clamped to [0, 1]).
  bool chance(double p);

  // An independent generator for a named stream ("network", "workload", ...):
  // adding draws to one stream never shifts the draws of another.
  Rng stream(std::string_view name) const;

 private:
  uint64_t seed_;
  uint64_t state_[4];
};

}  // namespace eddy::core
