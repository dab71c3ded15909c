#!/bin/sh
exec "$CEH_BUILD/unit/table"
