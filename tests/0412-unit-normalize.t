#!/bin/sh
exec "$CEH_BUILD/unit/normalize"
