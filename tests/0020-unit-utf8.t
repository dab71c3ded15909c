#!/bin/sh
exec "$CEH_BUILD/unit/utf8"
