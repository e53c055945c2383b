#!/bin/sh
# Answers init, then sends its peer (n0 <-> n1) valid messages without end,
# as fast as it can write them, and swallows what it gets.
. "$(dirname "$0")/init_ok.sh"
peer=n1
[ "$node" = n1 ] && peer=n0
cat >/dev/null &
exec yes "{\"src\":\"$node\",\"dest\":\"$peer\",\"body\":{\"type\":\"spam\",\"n\":1}}"
