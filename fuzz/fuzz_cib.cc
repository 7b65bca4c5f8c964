// libFuzzer target: CIB XML through the reader and, when it is accepted, the scheduler.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cluster/cib/cib.h"
#include "cluster/scheduler/scheduler.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  auto cib = vigil::cib::Cib::Parse(xml, "fuzz.xml");
  // A real clock and the scores, so that failure timeouts and the score tables are reached too.
  if (cib.ok()) (void)vigil::scheduler::Schedule(cib->model(), {.now = 1700000000, .scores = true});
  return 0;
}
