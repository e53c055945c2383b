#!/bin/sh
# Answers init, writes its pid (and its child's) to the file named by $1,
# then keeps reading; for the test that no node outlives eddy-sim.
echo $$ >> "$1"
sleep 300 &
echo $! >> "$1"
. "$(dirname "$0")/init_ok.sh"
exec cat >/dev/null
