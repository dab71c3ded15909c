#!/bin/sh
exec "$CEH_BUILD/unit/workflow" "$(dirname "$0")/../man/ceh-workflow.7"
