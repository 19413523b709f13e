# Defaults for the environment variables endpoints.yml and the servers read; any of them can be set beforehand.
umask 077                      # what the servers write (tracker, vault, documents, secrets) is for this user only
mkdir -p var && chmod 700 var
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://localhost:${ACTION_PORT:-5055}/webhook}"
export ENDPOINTS="${ENDPOINTS:-endpoints.yml}"
export TRACKER_DB="${TRACKER_DB:-var/tracker.db}"
export EVENT_DB="${EVENT_DB:-var/events.db}"      # the event store the console reads (docs/console.md)
export EVENT_PG_DB="${EVENT_PG_DB:-events}"       # its PostgreSQL database with endpoints.postgresql.yml
export POLICY_KB_DB="${POLICY_KB_DB:-build/kb.sqlite}"
# The Rasa server sends it, the action server requires it (bot/action_server.py): made once, kept in var/.
if [ -z "${ACTION_SERVER_TOKEN:-}" ]; then
  [ -s var/action_server_token ] || head -c 32 /dev/urandom | base64 | tr -d '/+=\n' > var/action_server_token
  ACTION_SERVER_TOKEN="$(cat var/action_server_token)"
fi
export ACTION_SERVER_TOKEN
# endpoints.scaled.yml (PostgreSQL and Redis; docs/deploy.md). Unused by the default endpoints.yml.
export POSTGRES_HOST="${POSTGRES_HOST:-localhost}"
export POSTGRES_PORT="${POSTGRES_PORT:-5432}"
export POSTGRES_DB="${POSTGRES_DB:-rasa}"
export POSTGRES_USER="${POSTGRES_USER:-rasa}"
export POSTGRES_PASSWORD="${POSTGRES_PASSWORD:-}"
export REDIS_HOST="${REDIS_HOST:-localhost}"
export REDIS_PORT="${REDIS_PORT:-6379}"
export REDIS_PASSWORD="${REDIS_PASSWORD:-}"
export REDIS_LOCK_DB="${REDIS_LOCK_DB:-1}"
export RASA_TELEMETRY_ENABLED=false
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export TF_CPP_MIN_LOG_LEVEL=2
