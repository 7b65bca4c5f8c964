// A test plugin whose entry point throws a C++ exception: must be refused, not crash the host.
#include <stdexcept>

#include "vigil/agent.h"

extern "C" __attribute__((visibility("default"))) const vigil_plugin* vigil_plugin_entry(
    const vigil_host*) {
  throw std::runtime_error("entry point failed on purpose");
}
