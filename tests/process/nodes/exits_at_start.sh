#!/bin/sh
# A node that dies before it reads anything.
echo "exits_at_start: giving up" >&2
exit 3
