#include "sim/previous_run.h"

#include <array>
#include <system_error>
#include <utility>

namespace eddy::sim {

PreviousRun::PreviousRun(std::filesystem::path dir)
    : remover_([dir = std::move(dir)] {
        // The files a run writes at its top level; errors are ignored (see
        // wait()).
        static constexpr std::array<const char*, 5> kWritten{
            "history.jsonl", "report.html", "journal.jsonl", "results.json", "report.txt"};
        for (const char* name : kWritten) {
          std::error_code ignored;
          std::filesystem::remove(dir / name, ignored);
        }
      }) {}

void PreviousRun::wait() {
  if (remover_.joinable()) remover_.join();
}

}  // namespace eddy::sim
