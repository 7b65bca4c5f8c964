#!/usr/bin/env bash
# Writes tests/cluster/scheduler/cases/NAME.expected for every case from what crm_simulate (Debian's
# pacemaker-cli-utils) says of it, through the oracle test's own reading of crm_simulate's XML.
# Run it after adding a case; the oracle test then checks the files stay true.
set -euo pipefail
cd "$(dirname "$0")/../../.."
bash scripts/build.sh >/dev/null
VIGIL_REFRESH_EXPECTED=1 build/bin/scheduler_oracle_test --gtest_filter='Corpus/SchedulerOracleTest.AgreesWithCrmSimulate/*' \
  --gtest_brief=1 | tail -3
echo "refreshed: $(ls tests/cluster/scheduler/cases/*.expected | wc -l) expectations"
