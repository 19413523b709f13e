# Defaults for the environment variables endpoints.yml and the servers read; any of them can be set beforehand.
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://localhost:${ACTION_PORT:-5055}/webhook}"
export TRACKER_DIALECT="${TRACKER_DIALECT:-sqlite}"
export TRACKER_DB="${TRACKER_DB:-var/tracker.db}"
export TRACKER_HOST="${TRACKER_HOST:-}"
export TRACKER_PORT="${TRACKER_PORT:-}"
export TRACKER_USER="${TRACKER_USER:-}"
export TRACKER_PASSWORD="${TRACKER_PASSWORD:-}"
export POLICY_KB_DB="${POLICY_KB_DB:-build/kb.sqlite}"
export RASA_TELEMETRY_ENABLED=false
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export TF_CPP_MIN_LOG_LEVEL=2
mkdir -p var
