// Placement: every resource's node scores (location constraints, stickiness, fail counts), then
// the assignment of each resource to a node in allocation order, colocations pulling both ways.
// Internal to the scheduler, which calls it once per run.
#pragma once

#include "common/status.h"
#include "cluster/scheduler/working_set.h"

namespace vigil::scheduler {

// Fills every resource's `assigned`, `next_role` and `allowed` scores. Fails (kInvalidArgument,
// nothing placed) on colocations chained deeper than kMaxColocationDepth, or so entangled that
// merging their scores passes kMergeBudget units of work (a merge costs one unit per node, one
// per pair of nodes when it matches on a node attribute): better a clear error than a crashed
// stack or a daemon stuck for minutes (Pacemaker's cost grows the same way).
constexpr int kMaxColocationDepth = 2000;
constexpr long kMergeBudget = 60'000'000;
Status Place(WorkingSet& ws);

}  // namespace vigil::scheduler
