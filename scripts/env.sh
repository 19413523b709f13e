# Defaults for the environment variables endpoints.yml and the servers read; any of them can be set beforehand.
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://localhost:${ACTION_PORT:-5055}/webhook}"
export ENDPOINTS="${ENDPOINTS:-endpoints.yml}"
export TRACKER_DB="${TRACKER_DB:-var/tracker.db}"
export POLICY_KB_DB="${POLICY_KB_DB:-build/kb.sqlite}"
export RASA_TELEMETRY_ENABLED=false
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export TF_CPP_MIN_LOG_LEVEL=2
mkdir -p var
