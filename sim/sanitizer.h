// kAddressSanitized: whether this build runs under AddressSanitizer (the
// asan preset). GCC defines __SANITIZE_ADDRESS__, clang answers
// __has_feature(address_sanitizer). Code that replaces the allocator's
// behaviour, or skips freeing, asks it so that the sanitizer keeps seeing
// every allocation and leak.
#pragma once

namespace eddy::sim {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSanitized = true;
#else
inline constexpr bool kAddressSanitized = false;
#endif
#else
inline constexpr bool kAddressSanitized = false;
#endif

}  // namespace eddy::sim
