// eddy-broken-node: a Maelstrom node binary that is wrong on purpose, for
// process mode's tests (`eddy-sim test --bin eddy-broken-node -- --strategy
// broken:lose-write`): any broken variant eddy-sim knows (tests/broken/), run
// by the same stdio driver as eddy-node. Never for real use.
#include <signal.h>

#include <iostream>
#include <string>

#include "core/node.h"
#include "node_main/stdio_driver.h"
#include "sim/simulation.h"
#include "tests/broken/broken_variants.h"

int main(int argc, char** argv) {
  using namespace eddy;
  broken::register_broken_variants();
  const std::string usage = "usage: eddy-broken-node --strategy broken:NAME";
  if (argc != 3 || std::string(argv[1]) != "--strategy") {
    std::cerr << usage << '\n';
    return 2;
  }
  auto factory = sim::application_factory(argv[2]);
  if (!factory) {
    std::cerr << "eddy-broken-node: " << factory.error() << '\n';
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);
  const core::Limits limits;
  core::Node node(core::NodeConfig{limits, 0}, factory.value()(0));
  node_main::StdioDriver driver(node, limits, {});
  return driver.run();
}
