#!/bin/sh
exec "$CEH_BUILD/unit/isotime"
