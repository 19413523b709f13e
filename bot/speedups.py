"""Measured speed-ups for the Rasa server (profiled under load, benchmarks/rest_load.md), installed by the REST and
WeChat channel modules, which the Rasa server imports at start.

1. Validate action-server responses without re-checking the schema. Rasa 3.6 checks every action-server response
with `jsonschema.validate`, which first validates the (constant) response schema against the JSON-Schema
meta-schema — on every call; that check took about half of all server time. `install()` replaces
`jsonschema.validate` with the same function minus the repeated meta-schema check: a schema is checked once, its
validator kept, and instances are validated exactly as before (same errors, `best_match` first).

2. Find an event's class by its type name once. Rasa deserialises every stored and every action-server event with
`Event.resolve_by_type`, which walks all subclasses of `Event` for each event (about 6 % of server time).
`resolve_event_type` remembers the class found for a name; names it has not found go to the original, which keeps
its default and its error for unknown names.

3. Join sparse features without `scipy.sparse.hstack`. Every parse joins the sparse features of the four
featurizers side by side (`Features._combine_sparse_features`, five joins per message); scipy's general block
machinery builds several intermediate matrices for each, about 1 ms per message in all. `combine_sparse_features`
concatenates the two COO matrices' entries directly (the second one's columns shifted), which gives the same
matrix, entries in the same order, same dtype (int64 counts join float64 features as float64); anything else
(other formats, non-numeric data) goes to the original.

4. Keep the loaded model out of the garbage collector's full passes. After loading, the Rasa server holds about
780 000 long-lived Python objects (TensorFlow, spaCy, jieba, the domain); each full collection walks all of them,
about 0.4 s on this machine, during which no message is answered. `freeze_after_start`
registers a listener that, once the server has started (Rasa loads the model before that), collects once and moves
everything alive into the permanent generation (`gc.freeze`). Objects made later are collected as usual.
"""

from __future__ import annotations

import functools
import gc
import json

import jsonschema
import numpy as np
import scipy.sparse
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.shared.core.events import Event
from rasa.shared.nlu.training_data.features import Features

_original = jsonschema.validate


@functools.lru_cache(maxsize=64)
def _validator(schema_json: str):
    schema = json.loads(schema_json)
    cls = validator_for(schema)
    cls.check_schema(schema)  # once per distinct schema, as the original does on every call
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


_original_resolve = Event.resolve_by_type
_event_classes: dict = {}


def resolve_event_type(type_name, default=None):
    cls = _event_classes.get(type_name)
    if cls is None:
        cls = _original_resolve(type_name, default)
        if cls is not None and cls is not default:
            _event_classes[type_name] = cls
    return cls


_original_combine_sparse = Features._combine_sparse_features


def combine_sparse_features(self, additional_features) -> None:
    left, right = self.features, additional_features.features
    if not (
        scipy.sparse.isspmatrix_coo(left)
        and scipy.sparse.isspmatrix_coo(right)
        and left.dtype.kind in "iuf"
        and right.dtype.kind in "iuf"
        and left.row.dtype == right.row.dtype
        and left.shape[0] == right.shape[0]
    ):
        return _original_combine_sparse(self, additional_features)  # also raises its error on a row mismatch
    dtype = np.result_type(left.dtype, right.dtype)  # scipy's upcast for these (count features are int64)
    self.features = scipy.sparse.coo_matrix(
        (
            np.concatenate([left.data, right.data]).astype(dtype, copy=False),
            (np.concatenate([left.row, right.row]), np.concatenate([left.col, right.col + left.shape[1]])),
        ),
        shape=(left.shape[0], left.shape[1] + right.shape[1]),
    )
    self._cached_fingerprint = None


def freeze_after_start(blueprint) -> None:
    """Register on a channel's Sanic blueprint: freeze what start-up loaded (once per server, any channel)."""

    @blueprint.listener("after_server_start")
    async def freeze_loaded_objects(_app, _loop):
        if not gc.get_freeze_count():
            gc.collect()
            gc.freeze()


def install() -> None:
    jsonschema.validate = validate
    Event.resolve_by_type = staticmethod(resolve_event_type)
    Features._combine_sparse_features = combine_sparse_features
