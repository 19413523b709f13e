"""ID numbers and phones typed in a message become references to the prefill store, and come back only there."""

import re

import pytest

from bot.prefill.store import Store
from bot.prefill.validate import id_check_char
from bot.prefill.vault import conceal_fields, conceal_text, is_reference, reveal_fields, reveal_text

ID = "53011319900101123" + id_check_char("53011319900101123")


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path, retention=7)


def test_a_message_keeps_references_and_the_store_keeps_the_numbers(store):
    text = f"张三，身份证{ID}，手机138 0013 8000，备用+86 13900139000"
    concealed = conceal_text(text, store)
    assert not re.search(r"\d{5}", concealed)
    assert concealed.startswith("张三，身份证[身份证号#") and concealed.count("[手机号#") == 2
    assert reveal_text(concealed, store) == text


def test_a_mistyped_long_number_is_kept_out_as_well(store):
    concealed = conceal_text("身份证5301131990010112", store)  # 16 digits: not an ID, still personal
    assert "1990" not in concealed and "[号码#" in concealed


def test_text_without_numbers_is_not_touched(store):
    assert conceal_text("博士能拿多少补贴，我35岁", store) == "博士能拿多少补贴，我35岁"
    assert not list(store.directory.glob("index.db"))  # nothing was opened for it


def test_references_hold_no_digits_for_the_nlu_to_read(store):
    concealed = conceal_text(f"身份证{ID}", store)
    assert not any(ch.isdigit() for ch in concealed)


def test_references_expire_with_the_store(store):
    concealed = conceal_text("手机13800138000", store)
    later = Store(store.directory, retention=0)
    assert reveal_text(concealed, later) == concealed  # expired: stays a reference


def test_slot_values_are_references_and_come_back(store):
    applicant = {"name": "张三", "id_number": ID, "phone": "13800138000"}
    kept = conceal_fields(applicant, store)
    assert kept["name"] == "张三" and is_reference(kept["id_number"]) and is_reference(kept["phone"])
    assert conceal_fields(kept, store) == kept  # already references: unchanged
    assert reveal_fields(kept, store) == applicant


def test_an_expired_slot_reference_is_asked_again(store):
    kept = conceal_fields({"phone": "13800138000"}, store)
    assert reveal_fields(kept, Store(store.directory, retention=0)) == {}


def test_purge_all_empties_the_vault(store):
    concealed = conceal_text("手机13800138000", store)
    store.purge(everything=True)
    assert reveal_text(concealed, store) == concealed
