# Sourced by the misbehaving nodes: reads the init line and answers it.
read -r line
node=$(printf '%s\n' "$line" | sed 's/.*"node_id":"\([^"]*\)".*/\1/')
client=$(printf '%s\n' "$line" | sed 's/.*"src":"\([^"]*\)".*/\1/')
printf '{"src":"%s","dest":"%s","body":{"type":"init_ok","msg_id":1,"in_reply_to":1}}\n' \
  "$node" "$client"
