#!/bin/sh
# Answers init, then floods: one endless stdout line, and stderr without end.
. "$(dirname "$0")/init_ok.sh"
yes 'stderr flood' >&2 &
head -c 50000000 /dev/zero | tr '\0' x
echo
exec cat >/dev/null
