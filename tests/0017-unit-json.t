#!/bin/sh
exec "$CEH_BUILD/unit/json"
