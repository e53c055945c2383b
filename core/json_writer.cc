#include "core/json_writer.h"

#include <array>
#include <bit>
#include <cstring>

namespace eddy::core {
namespace {

// "00", "01", ..., "99": integers are written two digits per division.
constexpr std::array<char, 200> kDigitPairs = [] {
  std::array<char, 200> pairs{};
  for (int i = 0; i < 100; ++i) {
    pairs[2 * i] = static_cast<char>('0' + i / 10);
    pairs[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return pairs;
}();

// 10^0 to 10^19 (the largest that fits 64 bits), for digit_count.
constexpr std::array<uint64_t, 20> kPowersOf10 = [] {
  std::array<uint64_t, 20> powers{};
  uint64_t power = 1;
  for (uint64_t& entry : powers) {
    entry = power;
    power *= 10;
  }
  return powers;
}();

// How many decimal digits `value` has (1 for 0), without a loop: 1233/4096
// is just above log10(2), so the bit width gives the count or one more than
// it, and one comparison tells which.
int digit_count(uint64_t value) {
  value |= 1;  // 0 has a digit, as 1 has
  const int guess = (std::bit_width(value) * 1233) >> 12;
  return guess + (value >= kPowersOf10[static_cast<size_t>(guess)] ? 1 : 0);
}

}  // namespace

char* write_int_any(char* at, int64_t value) {
  auto magnitude = static_cast<uint64_t>(value);
  if (value < 0) {
    *at++ = '-';
    magnitude = 0 - magnitude;  // modulo 2^64: right for INT64_MIN too
  }
  if (magnitude < 10) {  // a history's process, value and offset, mostly
    *at = static_cast<char>('0' + magnitude);
    return at + 1;
  }
  char* const end = at + digit_count(magnitude);
  char* digits = end;
  while (magnitude >= 100) {
    digits -= 2;
    std::memcpy(digits, &kDigitPairs[2 * (magnitude % 100)], 2);
    magnitude /= 100;
  }
  if (magnitude >= 10) {
    std::memcpy(digits - 2, &kDigitPairs[2 * magnitude], 2);
  } else {
    digits[-1] = static_cast<char>('0' + magnitude);
  }
  return end;
}

char* write_string(char* at, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  *at++ = '"';
  // Byte by byte, copied as it is checked: our strings are short (node and
  // client ids, keys, message types), where a memcpy call per run of plain
  // bytes cost more than the copy itself.
  for (const char byte : text) {
    const auto c = static_cast<unsigned char>(byte);
    if (c >= 0x20 && c != '"' && c != '\\') [[likely]] {
      *at++ = byte;
      continue;
    }
    *at++ = '\\';
    switch (c) {
      case '"':
        *at++ = '"';
        break;
      case '\\':
        *at++ = '\\';
        break;
      case '\n':
        *at++ = 'n';
        break;
      case '\r':
        *at++ = 'r';
        break;
      case '\t':
        *at++ = 't';
        break;
      case '\b':
        *at++ = 'b';
        break;
      case '\f':
        *at++ = 'f';
        break;
      default:
        std::memcpy(at, "u00", 3);
        at += 3;
        *at++ = kHex[c >> 4];
        *at++ = kHex[c & 0xf];
    }
  }
  *at++ = '"';
  return at;
}

void append_string(std::string& out, std::string_view text) {
  const size_t start = out.size();
  out.resize(start + string_bytes_max(text));
  char* end = write_string(out.data() + start, text);
  out.resize(static_cast<size_t>(end - out.data()));
}

}  // namespace eddy::core
