"""The sentence index: a question outside the benefit items is answered by the verbatim sentence that says it."""

import pytest

from policy_kb.refs import parse_clause_refs


@pytest.mark.parametrize(
    "question, clause, phrase",
    [
        ("县管校聘由哪个部门来牵头", 9, "由区教育体育局牵头"),
        ("东川头雁人才评选周期", 13, "两年为一届"),
        ("花椒大蒜那几个特色产业", 7, "小江特色果蔬六大产业"),
        ("考核排在末位的人员怎么聘", 5, "不得聘任在原岗位"),
        ("年轻干部要保持多少名", 4, "10名以上"),
    ],
)
def test_the_best_sentence_is_the_one_that_says_it(kb, question, clause, phrase):
    best = [s for s in kb.sentences(question, limit=2)]
    assert any(s.clause == clause and phrase in s.text for s in best), [s.text for s in best]


def test_sentences_are_verbatim_substrings_of_their_clause(kb):
    for s in kb.sentences("人才 补贴 培训 考核", limit=10):
        assert s.text in kb.clause(s.clause).text


def test_mentions_list_every_clause_that_writes_the_word(kb):
    assert [s.clause for s in kb.mentions("绿色通道")] == [3, 13]
    assert kb.sentence_frequency("安家费") == 0


def test_any_input_is_safe_for_the_sentence_search(kb):
    for text in ['"; DROP TABLE passages; --', "NEAR(", "*", "", "   "]:
        kb.sentences(text)


@pytest.mark.parametrize(
    "text, numbers",
    [
        ("九条和十二条分别谁负责", [9, 12]),
        ("第（三）条、第十三条", [3, 13]),
        ("第9条跟第14条", [9, 14]),
        ("哪一条讲这个", []),
        ("有一条政策", []),
    ],
)
def test_every_clause_reference_in_a_message(text, numbers):
    assert parse_clause_refs(text) == numbers


def test_things_the_text_never_mentions_are_really_absent(policy):
    # the answer "原文没有…" is only true while the text does not write the words it is asked by
    for entry in policy.document["not_in_text"]:
        for word in entry["asked_as"]:
            assert word not in policy.source_text, (entry["topic"], word)
        for item_id in entry["nearest"]:
            policy.item(item_id)
