// A test plugin built against an ABI major the host does not speak: must be refused.
#include "vigil/agent.h"

namespace {
size_t Count(void*) { return 0; }
int Info(void*, size_t, vigil_agent_info*) { return -1; }
int Execute(void*, size_t, const vigil_op*) { return VIGIL_OCF_ERR_GENERIC; }
void Unload(void*) {}
const vigil_plugin kTable = {VIGIL_ABI_MAJOR + 1, 0,     sizeof(vigil_plugin), "wrong-abi", nullptr,
                             Count,               Info, Execute,              Unload};
}  // namespace

extern "C" __attribute__((visibility("default"))) const vigil_plugin* vigil_plugin_entry(
    const vigil_host*) {
  return &kTable;
}
