#include "sim/previous_run.h"

#include <array>
#include <system_error>
#include <utility>

namespace eddy::sim {

PreviousRun::PreviousRun(std::filesystem::path dir)
    : remover_([dir = std::move(dir)] {
        // The files a run writes that grow with it; errors are ignored
        // (see wait()).
        static constexpr std::array<const char*, 3> kLarge{"history.jsonl", "report.html",
                                                           "journal.jsonl"};
        for (const char* name : kLarge) {
          std::error_code ignored;
          std::filesystem::remove(dir / name, ignored);
        }
      }) {}

void PreviousRun::wait() {
  if (remover_.joinable()) remover_.join();
}

}  // namespace eddy::sim
