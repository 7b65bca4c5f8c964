// A test plugin that needs a symbol nothing provides: loading with RTLD_NOW must fail.
#include "vigil/agent.h"

extern "C" int vigil_test_symbol_nobody_defines(void);

extern "C" __attribute__((visibility("default"))) const vigil_plugin* vigil_plugin_entry(
    const vigil_host*) {
  return vigil_test_symbol_nobody_defines() ? nullptr : nullptr;
}
