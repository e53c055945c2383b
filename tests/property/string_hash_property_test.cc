// core/string_hash.h: the in-line comparisons agree with std::string's own
// for any two strings (bytes above 0x7f included, which a signed char
// comparison would misorder, and lengths on both sides of the short-key
// limit), and equal strings hash alike. Sorted key lists and hash maps
// built with them must order and find exactly as std::map would, or a run's
// history would change.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "core/string_hash.h"

namespace eddy::core {
namespace {

rc::Gen<std::string> keys() {
  const auto bytes =
      rc::gen::element<char>('0', '1', '9', 'a', static_cast<char>(0x80), static_cast<char>(0xff));
  return rc::gen::mapcat(
      rc::gen::oneOf(rc::gen::inRange<size_t>(0, 4), rc::gen::inRange<size_t>(14, 20)),
      [bytes](size_t size) { return rc::gen::container<std::string>(size, bytes); });
}

RC_GTEST_PROP(StringHash, InLineComparisonsAgreeWithStdString, ()) {
  const std::string a = *keys();
  // Often a prefix or a near copy of `a`, so that long common prefixes occur.
  const std::string b = *rc::gen::oneOf(
      keys(), rc::gen::just(a), rc::gen::just(a.substr(0, a.size() / 2)), rc::gen::just(a + "0"));
  RC_ASSERT(StringLess{}(a, b) == (a < b));
  RC_ASSERT(StringLess{}(b, a) == (b < a));
  RC_ASSERT(StringEqual{}(a, b) == (a == b));
  if (a == b) RC_ASSERT(StringHash{}(a) == StringHash{}(b));
}

}  // namespace
}  // namespace eddy::core
