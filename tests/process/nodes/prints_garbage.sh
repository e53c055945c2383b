#!/bin/sh
# Answers init, then writes lines Maelstrom's net cannot take.
. "$(dirname "$0")/init_ok.sh"
echo 'this is not JSON'
echo '[1, 2, 3]'
printf '{"src":"%s","body":{"type":"echo"}}\n' "$node"
printf '{"src":"n99","dest":"%s","body":{"type":"echo"}}\n' "$client"
printf '{"src":"%s","dest":"nobody","body":{"type":"echo"}}\n' "$node"
printf '{"src":"%s","dest":"%s","body":{"type":"init_ok","msg_id":2,"in_reply_to":1}}\n' "$node" "$client"
printf '{"src":"%s","dest":"%s","body":{"type":"init_ok","msg_id":3,"in_reply_to":777}}\n' "$node" "$client"
printf '{"src":"%s","dest":"%s","body":{"type":"send_ok","msg_id":4}}\n' "$node" "$client"
exec cat >/dev/null
