"""The faster jsonschema.validate accepts and rejects exactly what the original does."""
import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot import speedups

SCHEMA = RemoteAction.action_response_format_spec()


@pytest.mark.parametrize("instance", [
    {"events": [{"event": "slot", "name": "topic", "value": {"items": ["c02-phd"]}}], "responses": [{"text": "x"}]},
    {"events": [], "responses": []},
    {"events": [{"event": "slot"}], "responses": []},
    {"events": "not a list", "responses": []},
    {"events": [{"no_event_key": 1}], "responses": [{"text": 3}]},
])
def test_same_verdict_as_the_original(instance):
    def verdict(fn):
        try:
            fn(instance, SCHEMA)
            return None
        except jsonschema.ValidationError as e:
            return e.message
    assert verdict(speedups.validate) == verdict(speedups._original)

