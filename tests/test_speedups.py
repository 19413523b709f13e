"""The speed-ups behave exactly as the Rasa functions they replace."""

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from bot import speedups

SCHEMA = RemoteAction.action_response_format_spec()


@pytest.mark.parametrize(
    "instance",
    [
        {"events": [{"event": "slot", "name": "topic", "value": {"items": ["c02-phd"]}}], "responses": [{"text": "x"}]},
        {"events": [], "responses": []},
        {"events": [{"event": "slot"}], "responses": []},
        {"events": "not a list", "responses": []},
        {"events": [{"no_event_key": 1}], "responses": [{"text": 3}]},
    ],
)
def test_same_verdict_as_the_original(instance):
    def verdict(fn):
        try:
            fn(instance, SCHEMA)
            return None
        except jsonschema.ValidationError as e:
            return e.message

    assert verdict(speedups.validate) == verdict(speedups._original)


def test_every_event_type_resolves_to_the_same_class():
    for cls in all_subclasses(Event):
        assert speedups.resolve_event_type(cls.type_name) is speedups._original_resolve(cls.type_name)
        assert speedups.resolve_event_type(cls.type_name) is speedups._original_resolve(cls.type_name)  # cached


def test_unknown_event_types_keep_the_default_and_the_error():
    assert speedups.resolve_event_type("no_such_event", SlotSet) is SlotSet
    assert speedups.resolve_event_type("topic") is None
    with pytest.raises(ValueError, match="Unknown event name"):
        speedups.resolve_event_type("no_such_event")


def test_events_deserialise_as_before_once_installed():
    speedups.install()
    events = [
        UserUttered("博士能拿多少", {"name": "ask_amount", "confidence": 1.0}),
        ActionExecuted("action_amount"),
        SlotSet("topic", {"items": ["x"]}),
    ]
    assert [Event.from_parameters(e.as_dict()) for e in events] == events


def test_the_start_up_objects_are_frozen_once_the_server_has_started():
    import asyncio
    import gc

    from sanic import Blueprint

    blueprint = Blueprint("probe")
    speedups.freeze_after_start(blueprint)
    listeners = [future for future in blueprint._future_listeners if future.event == "after_server_start"]
    assert len(listeners) == 1
    gc.unfreeze()
    try:
        asyncio.run(listeners[0].listener(None, None))
        assert gc.get_freeze_count() > 0  # what was alive at start-up is out of the full collections
    finally:
        gc.unfreeze()


@pytest.mark.parametrize(
    "dtypes",
    [
        ("float32", "float32"),
        ("float64", "float64"),
        ("float32", "float64"),
        ("float64", "int64"),
        ("int64", "float64"),
        ("float32", "int64"),
    ],
)
@pytest.mark.parametrize("rows", [1, 7])
def test_sparse_features_join_to_the_same_matrix(dtypes, rows):
    import numpy as np
    import scipy.sparse
    from rasa.shared.nlu.training_data.features import Features

    rng = np.random.default_rng(rows)

    def features(cols, dtype):
        matrix = scipy.sparse.random(rows, cols, density=0.2, format="coo", dtype=dtype, random_state=rng)
        return Features(matrix, "sequence", "text", "probe")

    left, right = features(30, dtypes[0]), features(200, dtypes[1])
    fast, slow = features(1, dtypes[0]), features(1, dtypes[0])
    fast.features, slow.features = left.features.copy(), left.features.copy()
    speedups.combine_sparse_features(fast, right)
    speedups._original_combine_sparse(slow, right)
    assert type(fast.features) is type(slow.features)
    assert fast.features.dtype == slow.features.dtype and fast.features.shape == slow.features.shape
    assert np.array_equal(fast.features.toarray(), slow.features.toarray())
    assert np.array_equal(fast.features.row, slow.features.row) and np.array_equal(fast.features.col, slow.features.col)


def test_sparse_features_with_different_rows_are_refused_as_before():
    import scipy.sparse
    from rasa.shared.nlu.training_data.features import Features

    a = Features(scipy.sparse.coo_matrix((2, 3)), "sequence", "text", "probe")
    b = Features(scipy.sparse.coo_matrix((3, 3)), "sequence", "text", "probe")
    with pytest.raises(ValueError, match="sequence dimensions do not match"):
        speedups.combine_sparse_features(a, b)
