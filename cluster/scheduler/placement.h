// Placement: every resource's node scores (location constraints, stickiness, fail counts), then
// the assignment of each resource to a node in allocation order, colocations pulling both ways.
// Internal to the scheduler, which calls it once per run.
#pragma once

#include "cluster/scheduler/working_set.h"

namespace vigil::scheduler {

// Fills every resource's `assigned`, `next_role` and `shown` scores.
void Place(WorkingSet& ws);

}  // namespace vigil::scheduler
