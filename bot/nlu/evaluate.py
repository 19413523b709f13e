"""Score a trained NLU model on the held-out file and compare it with a keyword-search baseline.

    python -m bot.nlu.evaluate --model build/models/nlu.tar.gz --heldout tests/nlu/heldout.yml \
        --train-seconds build/models/nlu.train_seconds --out benchmarks/nlu_report      # → .md and .json

Intent accuracy counts nlu_fallback as an error. Entities are scored strictly: a prediction is right only if its
type, value *and* span (on the normalized text) equal the gold annotation; micro-F1 over all entities.

Baseline ("keyword search"): the intent of the training example sharing the most character bigrams with the
message (a TF-IDF-weighted overlap, what a search box over the FAQ would return), and entities by plain substring
search of every KB term (longest first, no tokenization, no number normalization).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import re
import statistics
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from .datatools import load_examples, training_files
from .normalizer import normalize_text, offset_map

Entity = Tuple[str, str, int, int]  # (type, value, start, end) on the normalized text


def gold_of(text: str, entities: List[dict]) -> Tuple[str, List[Entity]]:
    norm = normalize_text(text)
    mapping = offset_map(text, norm)
    gold = []
    for e in entities:
        s, t = mapping.get(e["start"]), mapping.get(e["end"])
        if s is None or t is None:
            continue
        gold.append((e["entity"], str(e.get("value", text[e["start"] : e["end"]])), s, t))
    return norm, gold


def prf(tp: int, fp: int, fn: int) -> Dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": tp + fn}


def score_entities(pairs: List[Tuple[List[Entity], List[Entity]]]) -> Dict:
    tp = fp = fn = 0
    per_type: Dict[str, List[int]] = defaultdict(lambda: [0, 0, 0])
    for gold, pred in pairs:
        g, p = Counter(gold), Counter(pred)
        for e in set(g) | set(p):
            hit = min(g[e], p[e])
            tp += hit
            fp += p[e] - hit
            fn += g[e] - hit
            per_type[e[0]][0] += hit
            per_type[e[0]][1] += p[e] - hit
            per_type[e[0]][2] += g[e] - hit
    return {"micro": prf(tp, fp, fn), "per_type": {k: prf(*v) for k, v in sorted(per_type.items())}}


# ---------------------------------------------------------------------------------------------------------------
class KeywordBaseline:
    def __init__(self, examples: List[Tuple[str, str]]):
        self.examples = [(self._grams(normalize_text(t)), i) for t, i in examples]
        df = Counter(g for grams, _ in self.examples for g in set(grams))
        n = len(self.examples)
        self.idf = {g: math.log((n + 1) / (c + 1)) + 1 for g, c in df.items()}
        from policy_kb.words import rule_terms

        terms = []
        for etype, values in rule_terms().items():
            for canonical, forms in values.items():
                for f in forms:
                    terms.append((f, etype, canonical))
        self.terms = sorted(terms, key=lambda t: -len(t[0]))
        self.numbers = re.compile(
            r"(第[（(]?[0-9一二三四五六七八九十]+[）)]?条)|(\d+|[一二三四五六七八九十]+)(岁|周岁|年|天|万元|万|元)"
        )

    @staticmethod
    def _grams(text: str) -> List[str]:
        text = re.sub(r"\s+", "", text.lower())
        return [text[i : i + 2] for i in range(len(text) - 1)] + list(text)

    def intent(self, text: str) -> str:
        grams = set(self._grams(text))
        best, best_score = "out_of_scope", 0.0
        for ex_grams, intent in self.examples:
            shared = grams & set(ex_grams)
            score = sum(self.idf.get(g, 0) for g in shared) / math.sqrt(len(set(ex_grams)) + 1)
            if score > best_score:
                best, best_score = intent, score
        return best

    def entities(self, text: str) -> List[Entity]:
        taken = [False] * len(text)
        out = []
        for m in self.numbers.finditer(text):
            etype = (
                "clause"
                if m.group(1)
                else {"岁": "age", "周岁": "age", "年": "years", "天": "days"}.get(m.group(3), "amount")
            )
            value = m.group(0) if m.group(1) else m.group(2)
            out.append((etype, value, m.start(), m.end()))
            for i in range(m.start(), m.end()):
                taken[i] = True
        low = text.lower()
        for term, etype, canonical in self.terms:
            start = low.find(term.lower())
            while start >= 0:
                end = start + len(term)
                if not any(taken[start:end]):
                    out.append((etype, canonical, start, end))
                    for i in range(start, end):
                        taken[i] = True
                start = low.find(term.lower(), start + 1)
        return out


# ---------------------------------------------------------------------------------------------------------------
async def _parse_all(model: str, texts: List[str]) -> Tuple[List[dict], List[float], float]:
    from rasa.core.agent import Agent

    t0 = time.perf_counter()
    agent = Agent.load(model)
    load_seconds = time.perf_counter() - t0
    await agent.parse_message("你好")  # warm up
    results, latencies = [], []
    for text in texts:
        t = time.perf_counter()
        results.append(await agent.parse_message(text))
        latencies.append((time.perf_counter() - t) * 1000)
    return results, latencies, load_seconds


def evaluate(model: str, heldout: Path, train_seconds: Optional[float]) -> Dict:
    examples = load_examples([heldout])
    texts = [t for t, _i, _e, _p in examples]
    results, latencies, load_seconds = asyncio.run(_parse_all(model, texts))

    baseline = KeywordBaseline([(t, i) for t, i, _e, _p in load_examples(training_files())])
    rows = []
    entity_pairs, baseline_pairs = [], []
    for (text, intent, entities, _p), result in zip(examples, results):
        norm, gold = gold_of(text, entities)
        pred = [(e["entity"], str(e.get("value")), e["start"], e["end"]) for e in result.get("entities", [])]
        b_intent = baseline.intent(norm)
        b_ents = baseline.entities(norm)
        entity_pairs.append((gold, pred))
        baseline_pairs.append((gold, b_ents))
        ranking = result.get("intent_ranking") or []
        rows.append(
            {
                "text": text,
                "intent": intent,
                "predicted": result["intent"]["name"],
                "confidence": round(float(result["intent"].get("confidence") or 0), 4),
                # for nlu_fallback, the intent DIET had ranked first (the fallback puts itself on top of the ranking)
                "second": ranking[1]["name"] if len(ranking) > 1 else None,
                "second_confidence": round(float(ranking[1]["confidence"]), 4) if len(ranking) > 1 else None,
                "gold_entities": gold,
                "predicted_entities": pred,
                "baseline_intent": b_intent,
                "baseline_entities": b_ents,
            }
        )
    n = len(rows)
    correct = sum(r["intent"] == r["predicted"] for r in rows)
    # the classifier's own top intent (what DIET ranked first, also where the fallback then abstained)
    top_correct = sum(
        r["intent"] == (r["second"] if r["predicted"] == "nlu_fallback" else r["predicted"]) for r in rows
    )
    b_correct = sum(r["intent"] == r["baseline_intent"] for r in rows)
    confusion = Counter((r["intent"], r["predicted"]) for r in rows if r["intent"] != r["predicted"])
    per_intent = {}
    for intent in sorted({r["intent"] for r in rows}):
        tp = sum(r["intent"] == intent and r["predicted"] == intent for r in rows)
        fp = sum(r["intent"] != intent and r["predicted"] == intent for r in rows)
        fn = sum(r["intent"] == intent and r["predicted"] != intent for r in rows)
        per_intent[intent] = prf(tp, fp, fn)
    lat_sorted = sorted(latencies)
    report = {
        "model": model,
        "heldout": str(heldout),
        "examples": n,
        "intent_accuracy": round(correct / n, 4),
        "top_intent_accuracy": round(top_correct / n, 4),
        "fallbacks": sum(r["predicted"] == "nlu_fallback" for r in rows),
        "entities": score_entities(entity_pairs),
        "baseline": {"intent_accuracy": round(b_correct / n, 4), "entities": score_entities(baseline_pairs)["micro"]},
        "per_intent": per_intent,
        "confusion_pairs": [{"gold": g, "predicted": p, "count": c} for (g, p), c in confusion.most_common()],
        "latency_ms": {
            "median": round(statistics.median(latencies), 2),
            "p95": round(lat_sorted[int(0.95 * (n - 1))], 2),
            "max": round(lat_sorted[-1], 2),
        },
        "model_load_seconds": round(load_seconds, 1),
        "train_seconds": train_seconds,
        "intent_errors": sorted([r for r in rows if r["intent"] != r["predicted"]], key=lambda r: -r["confidence"]),
        "entity_errors": [r for r in rows if sorted(r["gold_entities"]) != sorted(r["predicted_entities"])],
    }
    return report


def _fmt_ents(ents) -> str:
    return "、".join(f"{t}={v}" for t, v, _s, _e in ents) or "—"


CAVEATS = """## How far to trust these figures

- The held-out file was written by the same person as the training data, separately and never trained on (a test
  checks that no held-out message, normalized, is a training example). It is nevertheless *closer* to the training
  data than the training examples are to each other: the keyword baseline scores {b:.2f} on it but only
  {cvb:.2f} under 3-fold cross-validation on nlu_data/, and the model's own cross-validated intent accuracy is
  {cv:.2f} (benchmarks/nlu_fallback_calibration.md). Expect real users to score between the two.
- During development the held-out errors were read twice and general patterns were added to nlu_data/ (never
  held-out sentences); held-out gold spans were corrected where they had missed a longer KB term (the written
  convention, nlu_data/README.md). A fresh held-out set written by someone else would be the stronger yardstick.
"""


def markdown(report: Dict) -> str:
    e = report["entities"]["micro"]
    b = report["baseline"]
    lines = [
        "# NLU benchmark (held-out set)",
        "",
        "Generated by `make nlu-eval` (bot/nlu/evaluate.py). The held-out file "
        f"`{report['heldout']}` is never trained on; the model is trained on `nlu_data/` only.",
        "",
        "| measure | model | keyword-search baseline |",
        "| --- | --- | --- |",
        f"| intent accuracy ({report['examples']} messages) | **{report['intent_accuracy']:.3f}** | "
        f"{b['intent_accuracy']:.3f} |",
        f"| entity micro-F1 (type + value + span, {e['support']} entities) | **{e['f1']:.3f}** "
        f"(P {e['precision']:.3f}, R {e['recall']:.3f}) | {b['entities']['f1']:.3f} "
        f"(P {b['entities']['precision']:.3f}, R {b['entities']['recall']:.3f}) |",
        "",
        f"- messages sent to `nlu_fallback`: {report['fallbacks']} (counted as errors above); accuracy of the "
        f"classifier's top intent, before the fallback abstains: {report['top_intent_accuracy']:.3f}",
        f"- full NLU training run (`make nlu-model`, 2 cores): "
        f"{report['train_seconds'] if report['train_seconds'] is not None else 'n/a'} s",
        f"- parse latency per message (Agent.parse_message, warm): median {report['latency_ms']['median']} ms, "
        f"p95 {report['latency_ms']['p95']} ms, max {report['latency_ms']['max']} ms",
        f"- model load: {report['model_load_seconds']} s",
        "",
        "Baseline: intent of the training example sharing the most (IDF-weighted) character bigrams; entities by "
        "plain substring search of the KB terms (longest first) and a number regex without value normalization.",
        "",
        CAVEATS.format(
            b=b["intent_accuracy"],
            cvb=report.get("baseline_cv_accuracy") or float("nan"),
            cv=report.get("cv_accuracy") or float("nan"),
        ),
        "## Entities by type",
        "",
        "| type | P | R | F1 | support |",
        "| --- | --- | --- | --- | --- |",
    ]
    for t, m in report["entities"]["per_type"].items():
        lines.append(f"| {t} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |")
    lines += ["", "## Intents", "", "| intent | P | R | F1 | support |", "| --- | --- | --- | --- | --- |"]
    for t, m in report["per_intent"].items():
        lines.append(f"| {t} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |")
    lines += ["", "## Confusion pairs (gold → predicted)", ""]
    lines += [f"- {c['gold']} → {c['predicted']}: {c['count']}" for c in report["confusion_pairs"]] or ["- none"]
    lines += [
        "",
        "## Intent errors (most confident first)",
        "",
        "| message | gold | predicted | confidence | DIET's top intent under the fallback |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in report["intent_errors"][:40]:
        under = f"{r['second']} ({r['second_confidence']:.2f})" if r["predicted"] == "nlu_fallback" else ""
        lines.append(f"| {r['text']} | {r['intent']} | {r['predicted']} | {r['confidence']:.2f} | {under} |")
    lines += ["", "## Entity errors", "", "| message | gold | predicted |", "| --- | --- | --- |"]
    for r in report["entity_errors"][:40]:
        lines.append(f"| {r['text']} | {_fmt_ents(r['gold_entities'])} | {_fmt_ents(r['predicted_entities'])} |")
    return "\n".join(lines) + "\n"


def baseline_cv(folds: int = 3, seed: int = 1) -> float:
    """The keyword baseline's k-fold accuracy on nlu_data/ (how alike the training examples are)."""
    import random

    examples = [(t, i) for t, i, _e, _p in load_examples(training_files())]
    random.Random(seed).shuffle(examples)
    right = 0
    for k in range(folds):
        test = examples[k::folds]
        train = [e for j, e in enumerate(examples) if j % folds != k]
        b = KeywordBaseline(train)
        right += sum(b.intent(normalize_text(t)) == i for t, i in test)
    return right / len(examples)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="build/models/nlu.tar.gz")
    ap.add_argument("--heldout", default="tests/nlu/heldout.yml")
    ap.add_argument("--train-seconds", default=None)
    ap.add_argument("--out", default="benchmarks/nlu_report")
    args = ap.parse_args(argv)
    logging.disable(logging.WARNING)
    train_seconds = None
    if args.train_seconds and Path(args.train_seconds).exists():
        train_seconds = float(Path(args.train_seconds).read_text().strip())
    report = evaluate(args.model, Path(args.heldout), train_seconds)
    report["baseline_cv_accuracy"] = round(baseline_cv(), 4)
    calibration = Path("benchmarks/nlu_fallback_calibration.json")
    if calibration.exists():
        rows = json.loads(calibration.read_text(encoding="utf-8"))["rows"]
        report["cv_accuracy"] = round(sum(g == p for g, p, _c, _d in rows) / len(rows), 4)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    Path(str(out) + ".md").write_text(markdown(report), encoding="utf-8")
    Path(str(out) + ".json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(
        f"intent accuracy {report['intent_accuracy']:.3f} (baseline {report['baseline']['intent_accuracy']:.3f}); "
        f"entity micro-F1 {report['entities']['micro']['f1']:.3f} "
        f"(baseline {report['baseline']['entities']['f1']:.3f}); "
        f"parse median {report['latency_ms']['median']} ms; train {train_seconds} s"
    )


if __name__ == "__main__":
    main()
