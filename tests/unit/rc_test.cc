// core::Rc (core/rc.h): copies share one value, the last holder frees it,
// and only a sole holder may change it.
#include "core/rc.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace eddy::core {
namespace {

// Counts its live instances, to see when the shared value is destroyed.
struct Counted {
  static inline int live = 0;
  std::string text;
  explicit Counted(std::string t) : text(std::move(t)) { ++live; }
  Counted(const Counted& other) : text(other.text) { ++live; }
  Counted(Counted&& other) noexcept : text(std::move(other.text)) { ++live; }
  Counted& operator=(const Counted&) = default;
  Counted& operator=(Counted&&) = default;
  ~Counted() { --live; }
};

TEST(Rc, CopiesShareOneValueThatTheLastHolderFrees) {
  Counted::live = 0;
  {
    auto a = Rc<Counted>::make(Counted("x"));
    EXPECT_EQ(Counted::live, 1);
    EXPECT_TRUE(a.unique());
    Rc<Counted> b = a;
    EXPECT_EQ(&*a, &*b);
    EXPECT_FALSE(a.unique());
    Rc<Counted> c = std::move(b);
    EXPECT_FALSE(b);  // moved from: empty
    EXPECT_FALSE(a.unique());
    c = Rc<Counted>::make(Counted("y"));
    EXPECT_TRUE(a.unique());
    EXPECT_EQ(Counted::live, 2);
    a = c;
    EXPECT_EQ(Counted::live, 1) << "x's last holder let go";
    EXPECT_EQ(a->text, "y");
  }
  EXPECT_EQ(Counted::live, 0);
}

TEST(Rc, OnlyASoleHolderChangesTheValue) {
  auto a = Rc<Counted>::make(Counted("x"));
  a.mutable_value().text = "z";
  EXPECT_EQ(a->text, "z");
  const Rc<Counted> b = a;
  EXPECT_DEATH(a.mutable_value(), "changed while shared");
}

}  // namespace
}  // namespace eddy::core
