#include "checker/linkv_history.h"

#include <array>

namespace eddy::checker {
namespace {

constexpr std::array<std::string_view, 4> kLinKvFNames{"read", "write", "cas", "nemesis"};

}  // namespace

std::string_view to_string(LinKvF f) { return kLinKvFNames[static_cast<size_t>(f)]; }

std::optional<LinKvF> linkv_f_from(std::string_view text) {
  for (size_t i = 0; i < kLinKvFNames.size(); ++i) {
    if (kLinKvFNames[i] == text) return static_cast<LinKvF>(i);
  }
  return std::nullopt;
}

}  // namespace eddy::checker
