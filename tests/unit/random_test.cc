// Rng: xoshiro256** seeded through splitmix64. The golden values pin the
// algorithm: a change there silently changes every simulator run of a seed.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <set>
#include <vector>

#include "core/random.h"

namespace eddy::core {
namespace {

std::vector<uint64_t> draws(Rng rng, size_t count) {
  std::vector<uint64_t> out;
  for (size_t i = 0; i < count; ++i) out.push_back(rng.next_u64());
  return out;
}

// Computed once with an independent Python implementation of splitmix64 +
// xoshiro256** (seeding: state[i] = splitmix64 output i from x = seed).
TEST(Rng, GoldenValuesForSeed42) {
  Rng rng(42);
  EXPECT_EQ(rng.next_u64(), 0x15780b2e0c2ec716ULL);
  EXPECT_EQ(rng.next_u64(), 0x6104d9866d113a7eULL);
  EXPECT_EQ(rng.next_u64(), 0xae17533239e499a1ULL);
}

TEST(Rng, GoldenValuesForSeed0) {
  Rng rng(0);
  EXPECT_EQ(rng.next_u64(), 0x99ec5f36cb75f2b4ULL);
  EXPECT_EQ(rng.next_u64(), 0xbf6e1f784956452aULL);
}

TEST(Rng, GoldenValuesForNamedStreams) {
  // stream(name) = Rng(splitmix64(seed ^ fnv1a64(name))).
  EXPECT_EQ(Rng(42).stream("a").next_u64(), 0x472cde4bd3def062ULL);
  EXPECT_EQ(Rng(42).stream("b").next_u64(), 0xa372062bd822b5ffULL);
}

TEST(Rng, SameSeedSameSequence) { EXPECT_EQ(draws(Rng(7), 1000), draws(Rng(7), 1000)); }

TEST(Rng, DifferentSeedsDiffer) {
  const auto a = draws(Rng(1), 100);
  const auto b = draws(Rng(2), 100);
  int equal = 0;
  for (size_t i = 0; i < a.size(); ++i) equal += a[i] == b[i] ? 1 : 0;
  EXPECT_EQ(equal, 0);
  EXPECT_NE(draws(Rng(0), 1), draws(Rng(1), 1));
}

TEST(Rng, NoShortRepeats) {
  const auto values = draws(Rng(3), 10'000);
  EXPECT_EQ(std::set<uint64_t>(values.begin(), values.end()).size(), values.size());
}

TEST(Rng, BelowOneIsAlwaysZero) {
  Rng rng(5);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(rng.below(1), 0u);
}

TEST(Rng, BelowStaysInRange) {
  Rng rng(11);
  const std::vector<uint64_t> bounds{2,
                                     3,
                                     7,
                                     10,
                                     1000,
                                     (uint64_t{1} << 32) + 1,
                                     (uint64_t{1} << 63) + 1,
                                     std::numeric_limits<uint64_t>::max()};
  for (const uint64_t bound : bounds) {
    SCOPED_TRACE(bound);
    for (int i = 0; i < 2000; ++i) ASSERT_LT(rng.below(bound), bound);
  }
}

TEST(Rng, BelowSmallBoundHitsEveryValue) {
  Rng rng(12);
  std::array<int, 3> seen{};
  for (int i = 0; i < 300; ++i) ++seen[rng.below(3)];
  for (const int count : seen) EXPECT_GT(count, 0);
}

TEST(Rng, BelowIsRoughlyUniform) {
  constexpr int kBuckets = 10;
  constexpr int kDraws = 100'000;
  Rng rng(2024);
  std::array<int, kBuckets> counts{};
  for (int i = 0; i < kDraws; ++i) ++counts[rng.below(kBuckets)];
  const double expected = static_cast<double>(kDraws) / kBuckets;
  double chi_square = 0;
  for (const int count : counts) {
    EXPECT_GT(count, 9'000);
    EXPECT_LT(count, 11'000);
    chi_square += (count - expected) * (count - expected) / expected;
  }
  // 9 degrees of freedom: P(chi2 > 27.9) = 0.001.
  EXPECT_LT(chi_square, 27.9);
}

TEST(Rng, BelowLargeNonPowerOfTwoBoundIsUnbiasedInHalves) {
  // bound = 3 * 2^62: a modulo mapping would put 2/3 of draws in the lower half.
  const uint64_t bound = 3ULL << 62;
  Rng rng(99);
  int lower = 0;
  constexpr int kDraws = 100'000;
  for (int i = 0; i < kDraws; ++i) lower += rng.below(bound) < bound / 2 ? 1 : 0;
  EXPECT_NEAR(lower, kDraws / 2, 1'500);
}

TEST(Rng, BetweenIsInclusive) {
  Rng rng(13);
  std::set<int64_t> seen;
  for (int i = 0; i < 10'000; ++i) {
    const int64_t v = rng.between(-3, 3);
    ASSERT_GE(v, -3);
    ASSERT_LE(v, 3);
    seen.insert(v);
  }
  EXPECT_EQ(seen, (std::set<int64_t>{-3, -2, -1, 0, 1, 2, 3}));
}

TEST(Rng, BetweenSingleValue) {
  Rng rng(14);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(rng.between(5, 5), 5);
  EXPECT_EQ(rng.between(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::min()),
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(rng.between(std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::max()),
            std::numeric_limits<int64_t>::max());
}

TEST(Rng, BetweenTopAndBottomEdges) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  Rng rng(15);
  std::set<int64_t> top;
  std::set<int64_t> bottom;
  for (int i = 0; i < 200; ++i) {
    top.insert(rng.between(kMax - 1, kMax));
    bottom.insert(rng.between(kMin, kMin + 1));
  }
  EXPECT_EQ(top, (std::set<int64_t>{kMax - 1, kMax}));
  EXPECT_EQ(bottom, (std::set<int64_t>{kMin, kMin + 1}));
}

TEST(Rng, BetweenFullInt64Range) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  Rng rng(16);
  int negative = 0;
  for (int i = 0; i < 1000; ++i) negative += rng.between(kMin, kMax) < 0 ? 1 : 0;
  EXPECT_GT(negative, 400);
  EXPECT_LT(negative, 600);
}

TEST(Rng, BetweenSpanningZeroWithLargeMagnitudes) {
  Rng rng(17);
  constexpr int64_t kLo = std::numeric_limits<int64_t>::min() / 2;
  constexpr int64_t kHi = std::numeric_limits<int64_t>::max() / 2;
  for (int i = 0; i < 1000; ++i) {
    const int64_t v = rng.between(kLo, kHi);
    ASSERT_GE(v, kLo);
    ASSERT_LE(v, kHi);
  }
}

TEST(Rng, UnitIsInHalfOpenInterval) {
  Rng rng(18);
  double sum = 0;
  for (int i = 0; i < 10'000; ++i) {
    const double u = rng.unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / 10'000, 0.5, 0.02);
}

TEST(Rng, ChanceClampsAndIsRoughlyP) {
  Rng rng(19);
  int hits = 0;
  for (int i = 0; i < 1000; ++i) {
    ASSERT_FALSE(rng.chance(0.0));
    ASSERT_FALSE(rng.chance(-1.0));
    ASSERT_TRUE(rng.chance(1.0));
    ASSERT_TRUE(rng.chance(2.0));
  }
  for (int i = 0; i < 10'000; ++i) hits += rng.chance(0.25) ? 1 : 0;
  EXPECT_NEAR(hits, 2'500, 250);
}

TEST(Rng, StreamIsDeterministic) {
  EXPECT_EQ(draws(Rng(42).stream("network"), 100), draws(Rng(42).stream("network"), 100));
}

TEST(Rng, StreamsWithDifferentNamesDiffer) {
  const Rng root(42);
  const auto a = draws(root.stream("a"), 100);
  const auto b = draws(root.stream("b"), 100);
  int equal = 0;
  for (size_t i = 0; i < a.size(); ++i) equal += a[i] == b[i] ? 1 : 0;
  EXPECT_EQ(equal, 0);
}

TEST(Rng, StreamDiffersFromItsParentAndAcrossSeeds) {
  EXPECT_NE(draws(Rng(42).stream("a"), 10), draws(Rng(42), 10));
  EXPECT_NE(draws(Rng(42).stream("a"), 10), draws(Rng(43).stream("a"), 10));
}

TEST(Rng, DrawsFromTheParentDoNotShiftAStream) {
  Rng parent(42);
  const auto before = draws(parent.stream("workload"), 20);
  for (int i = 0; i < 57; ++i) parent.next_u64();
  EXPECT_EQ(draws(parent.stream("workload"), 20), before);
}

TEST(Rng, DrawsFromOneStreamDoNotShiftAnother) {
  const Rng root(42);
  Rng network = root.stream("network");
  Rng faults = root.stream("faults");
  const auto expected_faults = draws(root.stream("faults"), 20);
  for (int i = 0; i < 33; ++i) network.next_u64();
  EXPECT_EQ(draws(faults, 20), expected_faults);
}

}  // namespace
}  // namespace eddy::core
