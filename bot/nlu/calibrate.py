"""Calibrate the FallbackClassifier thresholds by k-fold cross-validation on nlu_data/.

    python -m bot.nlu.calibrate --folds 3 --out benchmarks/nlu_fallback_calibration.md [--write-config]

Each fold trains the pipeline of config.yml with the fallback switched off and parses the examples it left out,
recording the top intent, its confidence and the gap to the second. A threshold pair (threshold,
ambiguity_threshold) sends a message to nlu_fallback when confidence < threshold or gap < ambiguity_threshold.
Chosen pair: the one that maximizes  (accepted and right) − 2 × (accepted and wrong)  over all folds — a wrong
answer costs twice what a "请换个说法" costs — i.e. accept a prediction only where it is right at least two times
in three. Ties go to the lower thresholds.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import logging
import re
import tempfile
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[2]
WRONG_COST = 2.0


def _config_without_fallback(config_path: Path, out: Path) -> Path:
    cfg = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    cfg = copy.deepcopy(cfg)
    cfg["pipeline"] = [c for c in cfg["pipeline"] if c["name"] != "FallbackClassifier"]
    cfg.pop("policies", None)
    out.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def collect(folds: int, config_path: Path, seed: int = 2022) -> List[Tuple[str, str, float, float]]:
    """(gold, predicted, confidence, gap) for every training example, predicted by a model that did not see it."""
    import random

    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu
    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.training_data import TrainingData

    importer = TrainingDataImporter.load_from_dict(training_data_paths=[str(ROOT / "nlu_data")])
    data = importer.get_nlu_data()
    by_intent: Dict[str, list] = {}
    for ex in data.intent_examples:
        by_intent.setdefault(ex.get("intent"), []).append(ex)
    rng = random.Random(seed)
    fold_of = {}
    for _intent, exs in sorted(by_intent.items()):
        rng.shuffle(exs)
        for i, ex in enumerate(exs):
            fold_of[id(ex)] = i % folds
    out: List[Tuple[str, str, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cfg = _config_without_fallback(config_path, tmp / "config.yml")
        for k in range(folds):
            train = [ex for ex in data.intent_examples if fold_of[id(ex)] != k]
            test = [ex for ex in data.intent_examples if fold_of[id(ex)] == k]
            td = TrainingData(
                training_examples=train,
                entity_synonyms=data.entity_synonyms,
                regex_features=data.regex_features,
                lookup_tables=data.lookup_tables,
            )
            fold_dir = tmp / f"fold{k}"
            fold_dir.mkdir()
            (fold_dir / "nlu.yml").write_text(RasaYAMLWriter().dumps(td), encoding="utf-8")
            model = train_nlu(str(cfg), str(fold_dir), str(tmp / "models"), fixed_model_name=f"fold{k}")
            agent = Agent.load(model)

            async def parse_all(agent=agent, test=test):
                return [await agent.parse_message(ex.get("text")) for ex in test]

            for ex, res in zip(test, asyncio.run(parse_all())):
                ranking = res.get("intent_ranking") or []
                conf = float(res["intent"].get("confidence") or 0)
                second = float(ranking[1]["confidence"]) if len(ranking) > 1 else 0.0
                out.append((ex.get("intent"), res["intent"]["name"], conf, conf - second))
            print(f"fold {k + 1}/{folds}: {sum(g == p for g, p, _c, _d in out)}/{len(out)} right so far", flush=True)
    return out


def choose(rows: List[Tuple[str, str, float, float]]) -> Dict:
    grid = []
    for t in [i / 20 for i in range(0, 20)]:
        for a in [0.0, 0.05, 0.1, 0.15, 0.2, 0.3]:
            acc_right = sum(g == p and c >= t and d >= a for g, p, c, d in rows)
            acc_wrong = sum(g != p and c >= t and d >= a for g, p, c, d in rows)
            rejected = len(rows) - acc_right - acc_wrong
            grid.append(
                {
                    "threshold": t,
                    "ambiguity_threshold": a,
                    "accepted_right": acc_right,
                    "accepted_wrong": acc_wrong,
                    "rejected": rejected,
                    "utility": acc_right - WRONG_COST * acc_wrong,
                }
            )
    best = max(grid, key=lambda g: (g["utility"], -g["threshold"], -g["ambiguity_threshold"]))
    return {"best": best, "grid": grid}


def write_config(config_path: Path, threshold: float, ambiguity: float) -> None:
    text = config_path.read_text(encoding="utf-8")
    text = re.sub(
        r"(- name: FallbackClassifier\n\s+threshold: )[0-9.]+(\n\s+ambiguity_threshold: )[0-9.]+",
        lambda m: f"{m.group(1)}{threshold}{m.group(2)}{ambiguity}",
        text,
    )
    config_path.write_text(text, encoding="utf-8")


def report(rows, result, folds: int) -> str:
    n = len(rows)
    right = sum(g == p for g, p, _c, _d in rows)
    b = result["best"]
    lines = [
        "# FallbackClassifier calibration (cross-validation)",
        "",
        f"Generated by `make nlu-calibrate` (bot/nlu/calibrate.py): {folds}-fold cross-validation on nlu_data/ "
        f"({n} examples), pipeline of config.yml without the fallback.",
        "",
        f"- cross-validated intent accuracy: {right / n:.3f}",
        f"- chosen: `threshold: {b['threshold']}`, `ambiguity_threshold: {b['ambiguity_threshold']}` "
        f"(utility = right − {WRONG_COST:g} × wrong among accepted)",
        f"- with it: {b['accepted_right']} accepted and right, {b['accepted_wrong']} accepted and wrong, "
        f"{b['rejected']} sent to fallback",
        "",
        "| threshold | ambiguity | accepted right | accepted wrong | fallback | utility |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for g in result["grid"]:
        if g["ambiguity_threshold"] in (0.0, 0.1, 0.2) and int(g["threshold"] * 20) % 2 == 0 or g is b:
            lines.append(
                f"| {g['threshold']} | {g['ambiguity_threshold']} | {g['accepted_right']} | "
                f"{g['accepted_wrong']} | {g['rejected']} | {g['utility']:g} |"
            )
    lines += ["", "Errors under cross-validation (gold → predicted, confidence):", ""]
    for g, p, c, _d in sorted(rows, key=lambda r: -r[2]):
        if g != p:
            lines.append(f"- {g} → {p} ({c:.2f})")
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--config", default=str(ROOT / "config.yml"))
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "nlu_fallback_calibration.md"))
    ap.add_argument("--write-config", action="store_true")
    args = ap.parse_args(argv)
    logging.disable(logging.WARNING)
    rows = collect(args.folds, Path(args.config))
    result = choose(rows)
    Path(args.out).write_text(report(rows, result, args.folds), encoding="utf-8")
    Path(args.out).with_suffix(".json").write_text(
        json.dumps({"rows": rows, **result}, ensure_ascii=False), encoding="utf-8"
    )
    b = result["best"]
    print(f"threshold {b['threshold']} ambiguity_threshold {b['ambiguity_threshold']}")
    if args.write_config:
        write_config(Path(args.config), b["threshold"], b["ambiguity_threshold"])


if __name__ == "__main__":
    main()
