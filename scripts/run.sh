#!/usr/bin/env bash
# Start the action server and the Rasa server (REST, socket.io and the other channels in credentials.yml).
# Used by `make run`; `scripts/run.sh shell` (make shell) chats in this terminal instead of serving.
# Stops both on Ctrl-C. Ports: RASA_PORT (5005), ACTION_PORT (5055). CORS_ORIGINS (space-separated) allows
# other origins to call the REST channel from a browser; by default none (the chat page is same-origin).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
RASA_PORT="${RASA_PORT:-5005}"
ACTION_PORT="${ACTION_PORT:-5055}"
PY=.venv/bin/python

$PY -m bot.action_server --actions actions --port "$ACTION_PORT" &     # loopback only, token required
ACTIONS_PID=$!
trap 'kill $ACTIONS_PID 2>/dev/null; wait $ACTIONS_PID 2>/dev/null' EXIT INT TERM

for _ in $(seq 1 120); do
  curl -fs "http://localhost:$ACTION_PORT/health" >/dev/null 2>&1 && break
  kill -0 $ACTIONS_PID 2>/dev/null || { echo "action server failed to start" >&2; exit 1; }
  sleep 0.5
done

if [ "${1:-run}" = shell ]; then
  .venv/bin/rasa shell --model models/assistant.tar.gz --port "$RASA_PORT" --endpoints "$ENDPOINTS"
else
  echo "Assistant: chat page http://localhost:$RASA_PORT/webhooks/webchat/  ·  REST http://localhost:$RASA_PORT/webhooks/rest/webhook"
  cors=()
  for origin in ${CORS_ORIGINS:-}; do cors+=(--cors "$origin"); done
  .venv/bin/rasa run --model models/assistant.tar.gz --port "$RASA_PORT" "${cors[@]}" \
    --credentials credentials.yml --endpoints "$ENDPOINTS"
fi
