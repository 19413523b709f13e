"""A measured speed-up for the Rasa server: validate action-server responses without re-checking the schema.

Rasa 3.6 checks every action-server response with `jsonschema.validate`, which first validates the (constant)
response schema against the JSON-Schema meta-schema — on every call. Profiling the server under load
(benchmarks/rest_load.md) showed that check taking about half of all server time. `install()` replaces
`jsonschema.validate` with the same function minus the repeated meta-schema check: a schema is checked once, its
validator kept, and instances are validated exactly as before (same errors, `best_match` first).
"""
from __future__ import annotations

import functools
import json

import jsonschema
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for

_original = jsonschema.validate


@functools.lru_cache(maxsize=64)
def _validator(schema_json: str):
    schema = json.loads(schema_json)
    cls = validator_for(schema)
    cls.check_schema(schema)          # once per distinct schema, as the original does on every call
    return cls(schema)


def validate(instance, schema, cls=None, *args, **kwargs):
    if cls is not None or args or kwargs:
        return _original(instance, schema, cls, *args, **kwargs)
    try:
        key = json.dumps(schema, sort_keys=True)
    except (TypeError, ValueError):
        return _original(instance, schema)
    error = best_match(_validator(key).iter_errors(instance))
    if error is not None:
        raise error


def install() -> None:
    jsonschema.validate = validate
