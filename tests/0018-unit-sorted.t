#!/bin/sh
exec "$CEH_BUILD/unit/sorted"
