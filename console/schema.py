"""What the console adds to the event store: the review table, a copy of the KB's clause and item names, and the
views the inbox and the figures read. Rasa's `events` table (id, sender_id, data) is left as Rasa writes it.

Every view reads the events as they are now, so a figure is never stale; what the purge leaves (bot/event_store.py:
no texts, but intents, actions and the `topic` slot with clause, items and verdicts) is all the counts read, so the
counts stay after the texts are gone.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

LOW_CONFIDENCE = float(os.environ.get("CONSOLE_LOW_CONFIDENCE", "0.9"))

TABLES = """
create table if not exists events (id integer primary key, sender_id varchar(255), data text);
create index if not exists events_sender on events (sender_id, id);
create table if not exists reviews (
  id integer primary key,
  message_id integer not null,        -- events.id of the user message reviewed
  conversation text,
  text text,                          -- the message as reviewed (personal numbers already masked); purged
  verdict text not null check (verdict in ('right', 'corrected')),
  intent text,                        -- the right intent (corrected) or the one the NLU gave (right)
  entities text,                      -- the right entities, "degree=博士 age=36"
  clause integer,                     -- the clause the answer must cite
  amounts text,                       -- amounts or phrases the answer must contain, "25万元 经考核合格"
  note text,
  reviewer text not null,
  reviewed_at text not null,
  message_ts real,
  imported_at text
);
create index if not exists reviews_message on reviews (message_id, id);
create table if not exists kb_clauses (number integer primary key, citation text, title text);
create table if not exists kb_items (id text primary key, clause integer, name text, kind text);
"""

VERDICT_LABEL = "case {v} when 'eligible' then '符合' when 'not_eligible' then '不符合' " "else '尚需确认' end"
BEIJING = "'unixepoch', '+8 hours'"

VIEWS = {
    # Every event with its type, time and the user message it follows (its turn).
    "event_log": """
select id, sender_id as conversation,
  case when instr(sender_id, ':') > 0 then substr(sender_id, 1, instr(sender_id, ':') - 1) else '' end as channel,
  json_extract(data, '$.event') as event,
  json_extract(data, '$.timestamp') as ts,
  max(case when json_extract(data, '$.event') = 'user' then id end)
    over (partition by sender_id order by id rows unbounded preceding) as turn,
  data
from events""",
    # One row per message a person sent: the parse, what the assistant did and said, the clause it cited.
    "messages": f"""
with turns as (
  select turn,
    group_concat(case when event = 'action' and json_extract(data, '$.name') != 'action_listen'
                      then json_extract(data, '$.name') end, ' → ') as actions,
    group_concat(case when event = 'bot' then json_extract(data, '$.text') end, char(10)) as reply,
    max(case when event = 'slot' and json_extract(data, '$.name') = 'topic' then id end) as topic_event,
    -- the message answered an open form's question (the application, the self-check)
    max(event = 'slot' and json_extract(data, '$.name') in ('applicant', 'apply_field', 'profile')) as form_answer
  from event_log where turn is not null and event in ('action', 'bot', 'slot') group by turn
)
select u.id, u.conversation, u.channel,
  datetime(u.ts, {BEIJING}) as time,
  date(u.ts, {BEIJING}, 'weekday 0', '-6 days') as week,
  json_extract(u.data, '$.text') as text,
  json_extract(u.data, '$.parse_data.intent.name') as intent,
  round(json_extract(u.data, '$.parse_data.intent.confidence'), 3) as confidence,
  (select group_concat(name || ' ' || printf('%.2f', conf), ' · ') from (
     select json_extract(r.value, '$.name') as name, json_extract(r.value, '$.confidence') as conf
     from json_each(u.data, '$.parse_data.intent_ranking') r limit 3)) as top_intents,
  (select group_concat(json_extract(e.value, '$.entity') || '=' || coalesce(json_extract(e.value, '$.value'), '?'),
                       ' · ')
   from json_each(u.data, '$.parse_data.entities') e) as entities,
  t.actions, t.reply,
  json_extract(s.data, '$.value.intent') as topic,
  json_extract(s.data, '$.value.clause') as clause,
  json_extract(s.data, '$.value.items[0]') as item,
  case
    when coalesce(t.form_answer, 0) = 0 and (json_extract(u.data, '$.parse_data.intent.name') = 'nlu_fallback'
      or ' → ' || t.actions || ' → ' like '% action_fallback %'
      or ' → ' || t.actions || ' → ' like '% action_default_fallback %') then '未能理解'
    when coalesce(t.form_answer, 0) = 0 and ' → ' || t.actions || ' → ' like '% action_procedure %' then '政策未写明'
    when coalesce(t.form_answer, 0) = 0 and ' → ' || t.actions || ' → ' like '% action_out_of_scope %' then '超出范围'
    when json_extract(u.data, '$.parse_data.intent.name') = 'correct' then '用户更正'
    when json_extract(u.data, '$.parse_data.intent.confidence') < {LOW_CONFIDENCE} then '置信度低'
  end as reason,
  u.ts
from event_log u left join turns t on t.turn = u.id left join events s on s.id = t.topic_event
where u.event = 'user'""",
    # The review inbox: messages that need a person's eye, with their latest review.
    "inbox": """
select m.id, m.time, m.reason, m.text, m.intent, m.confidence, m.top_intents, m.entities, m.reply, m.actions,
  c.citation as cited, m.conversation, m.channel,
  case r.verdict when 'right' then '已审：正确' when 'corrected' then '已审：已更正' else '待审' end as status,
  r.reviewer, r.reviewed_at
from messages m
left join kb_clauses c on c.number = m.clause
left join reviews r on r.id = (select max(id) from reviews where message_id = m.id)
where m.reason is not null""",
    # What people asked about: one row per clause and week (self-check reports are counted apart, as verdicts).
    "questions_by_clause": """
select m.week, m.clause, c.citation, c.title, count(*) as questions
from messages m join kb_clauses c on c.number = m.clause
where m.topic is not null and m.topic != 'self_check'
group by m.week, m.clause order by m.week, m.clause""",
    # ... and per benefit (the first item the answer named).
    "questions_by_benefit": """
select m.week, m.item, i.name, c.citation, count(*) as questions
from messages m join kb_items i on i.id = m.item join kb_clauses c on c.number = i.clause
where m.topic is not null and m.topic != 'self_check'
group by m.week, m.item order by m.week, i.clause, m.item""",
    # Each conversation's latest self-check: one row per item it gave a verdict on.
    "self_check_results": f"""
with latest as (
  select conversation, max(id) as id from event_log
  where event = 'slot' and json_extract(data, '$.name') = 'topic'
    and json_extract(data, '$.value.intent') = 'self_check'
  group by conversation
)
select l.conversation, date(json_extract(e.data, '$.timestamp'), {BEIJING}, 'weekday 0', '-6 days') as week,
  json_extract(v.value, '$.item') as item, json_extract(v.value, '$.clause') as clause,
  json_extract(v.value, '$.verdict') as verdict,
  {VERDICT_LABEL.format(v="json_extract(v.value, '$.verdict')")} as verdict_label,
  json_array_length(v.value, '$.failed') as failed_conditions,
  json_extract(v.value, '$.failed') as failed
from latest l join events e on e.id = l.id, json_each(e.data, '$.value.verdicts') v""",
    "verdicts_by_benefit": """
select r.item, i.name, c.citation, r.verdict_label as verdict, count(*) as people
from self_check_results r join kb_items i on i.id = r.item join kb_clauses c on c.number = i.clause
group by r.item, r.verdict_label order by i.clause, r.item, r.verdict_label""",
    # Near-misses: people who failed exactly one condition of a benefit, by that condition and the gap.
    "near_misses": """
select json_extract(r.failed, '$[0].label') as condition, json_extract(r.failed, '$[0].field') as field,
  json_extract(r.failed, '$[0].gap') as gap, r.item, i.name, c.citation, count(*) as people
from self_check_results r join kb_items i on i.id = r.item join kb_clauses c on c.number = i.clause
where r.verdict = 'not_eligible' and r.failed_conditions = 1
group by condition, gap, r.item order by condition, gap""",
    # What the assistant could not answer, per week and kind.
    "unanswered": """
select week, reason, count(*) as messages from messages
where reason in ('未能理解', '政策未写明', '超出范围') group by week, reason order by week, reason""",
}


def ensure(events_db: Path | str, kb_db: Path | str | None = None) -> None:
    """Create the review table, the KB name tables and the views (idempotent); refresh the KB names."""
    conn = sqlite3.connect(str(events_db), timeout=30)
    try:
        conn.executescript(TABLES)
        for name in VIEWS:
            conn.execute(f"drop view if exists {name}")
        for name, sql in VIEWS.items():
            conn.execute(f"create view {name} as {sql}")
        if kb_db and Path(kb_db).exists():
            kb = sqlite3.connect(f"file:{kb_db}?mode=ro", uri=True)
            clauses = kb.execute("select number, citation, title from clauses").fetchall()
            items = kb.execute("select id, clause, name, kind from items").fetchall()
            kb.close()
            conn.execute("delete from kb_clauses")
            conn.executemany("insert into kb_clauses values (?, ?, ?)", clauses)
            conn.execute("delete from kb_items")
            conn.executemany("insert into kb_items values (?, ?, ?, ?)", items)
        conn.commit()
    finally:
        conn.close()
