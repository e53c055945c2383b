// checker/short_string.h: ShortString holds what std::string would, through
// any run of assignments, copies, moves (self-moves included), clears and
// assignments from its own bytes, with texts on both sides of the 15 bytes
// kept inline; its comparisons and hash agree with std::string's. The ASan
// preset runs it too, which catches a leaked or twice-freed heap text.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "checker/short_string.h"

namespace eddy::checker {
namespace {

constexpr size_t kSlots = 3;

// Lengths cluster around the inline limit, where the two layouts meet.
rc::Gen<std::string> texts() {
  return rc::gen::mapcat(
      rc::gen::oneOf(rc::gen::inRange<size_t>(0, 4), rc::gen::inRange<size_t>(13, 18),
                     rc::gen::inRange<size_t>(18, 64)),
      [](size_t size) {
        return rc::gen::container<std::string>(size, rc::gen::inRange<char>('a', 'e'));
      });
}

void check_same(const std::array<ShortString, kSlots>& strings,
                const std::array<std::string, kSlots>& model) {
  for (size_t i = 0; i < kSlots; ++i) {
    RC_ASSERT(strings[i].view() == model[i]);
    RC_ASSERT(strings[i].size() == model[i].size());
    RC_ASSERT(strings[i].empty() == model[i].empty());
    RC_ASSERT(strings[i].on_heap() == (model[i].size() > ShortString::kInlineMax));
    RC_ASSERT(strings[i] == model[i]);
    for (size_t j = 0; j < kSlots; ++j) {
      RC_ASSERT((strings[i] == strings[j]) == (model[i] == model[j]));
      RC_ASSERT((strings[i] <=> strings[j]) == (model[i] <=> model[j]));
      if (model[i] == model[j]) {
        RC_ASSERT(std::hash<ShortString>{}(strings[i]) == std::hash<ShortString>{}(strings[j]));
      }
    }
  }
}

RC_GTEST_PROP(ShortString, HoldsWhatAStdStringWouldThroughAnyOperations, ()) {
  std::array<ShortString, kSlots> strings;
  std::array<std::string, kSlots> model;
  const int steps = *rc::gen::inRange(1, 60);
  for (int step = 0; step < steps; ++step) {
    const auto i = *rc::gen::inRange<size_t>(0, kSlots);
    const auto j = *rc::gen::inRange<size_t>(0, kSlots);
    switch (*rc::gen::inRange(0, 8)) {
      case 0: {
        const std::string text = *texts();
        strings[i] = text;
        model[i] = text;
        break;
      }
      case 1:
        strings[i] = strings[j];
        model[i] = model[j];
        break;
      case 2:
        // A self-move leaves the string as it was; any other empties the source.
        strings[i] = std::move(strings[j]);
        if (i != j) {
          model[i] = std::move(model[j]);
          model[j].clear();
        }
        break;
      case 3: {
        // From its own bytes: the new text is copied before the old is freed.
        const size_t from = *rc::gen::inRange<size_t>(0, model[i].size() + 1);
        const size_t count = *rc::gen::inRange<size_t>(0, model[i].size() - from + 1);
        strings[i].assign(strings[i].view().substr(from, count));
        model[i] = model[i].substr(from, count);
        break;
      }
      case 4: {
        ShortString copy(strings[j]);
        strings[i] = std::move(copy);
        model[i] = model[j];
        break;
      }
      case 5: {
        ShortString moved(std::move(strings[j]));
        RC_ASSERT(strings[j].empty());
        model[j].clear();
        strings[i] = moved;
        model[i] = moved.str();
        break;
      }
      case 6:
        strings[i].clear();
        model[i].clear();
        break;
      default:
        strings[i] = model[j].c_str();
        model[i] = model[j];
        break;
    }
    check_same(strings, model);
  }
}

TEST(ShortString, KeepsFifteenBytesInlineAndMoreOnTheHeap) {
  const ShortString fifteen("abcdefghijklmno");
  EXPECT_FALSE(fifteen.on_heap());
  EXPECT_EQ(fifteen.view(), "abcdefghijklmno");
  const ShortString sixteen("abcdefghijklmnop");
  EXPECT_TRUE(sixteen.on_heap());
  EXPECT_EQ(sixteen.view(), "abcdefghijklmnop");
  EXPECT_EQ(sizeof(ShortString), 16U);
}

}  // namespace
}  // namespace eddy::checker
