// libFuzzer target: CIB XML through the reader and, when it is accepted, the scheduler.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cluster/cib/cib.h"
#include "cluster/scheduler/scheduler.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  auto cib = vigil::cib::Cib::Parse(xml, "fuzz.xml");
  if (cib.ok()) (void)vigil::scheduler::Schedule(cib->model());
  return 0;
}
