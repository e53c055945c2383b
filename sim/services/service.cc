#include "sim/services/service.h"

#include "sim/services/lin_kv.h"
#include "sim/services/lin_tso.h"
#include "sim/services/lww_kv.h"
#include "sim/services/seq_kv.h"

namespace eddy::sim {

std::unique_ptr<Service> make_service(std::string_view name) {
  if (name == "lin-kv") return std::make_unique<LinKv>();
  if (name == "seq-kv") return std::make_unique<SeqKv>();
  if (name == "lww-kv") return std::make_unique<LwwKv>();
  if (name == "lin-tso") return std::make_unique<LinTso>();
  return nullptr;
}

const std::vector<std::string_view>& service_names() {
  // maelstrom `service.clj` `default-services`.
  static const std::vector<std::string_view> names{"lin-kv", "seq-kv", "lww-kv", "lin-tso"};
  return names;
}

}  // namespace eddy::sim
