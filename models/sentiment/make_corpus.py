"""Generate the synthetic in-domain training corpus of citizens' feedback at one-stop offices.

``python -m models.sentiment.make_corpus`` writes ``data/indomain_train.tsv`` and
``data/indomain_dev.tsv`` (``label<TAB>text``, labels as words), deterministically (seed 717).

The sentences are composed from the clause banks of ``corpus_phrases.json`` (staff, waiting,
paperwork, fees, facilities, kiosks and online services) and then perturbed the way citizens type:
diacritics dropped, texting abbreviations ("ko", "nv", "đc", "tks"), mixed case, emoji, short
English.  The held-out test split ``data/indomain_test.tsv`` is hand-written and never produced
here; any generated sentence whose normalised form equals a test sentence is dropped.

Label scheme: ``positive`` / ``negative`` for clear praise / complaint; ``neutral`` for factual
statements, questions, "bình thường"-type answers, suggestions without a complaint and mixed
comments (praise and complaint of similar weight).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from edge_agent.core.sentiment import fold_diacritics, normalize_text

__all__ = ["BANKS", "DATA_DIR", "PHRASES_FILE", "SEED", "generate", "main", "read_tsv", "write_tsv"]

DATA_DIR = Path(__file__).resolve().parent / "data"
PHRASES_FILE = Path(__file__).resolve().parent / "corpus_phrases.json"
SEED = 717
N_PER_LABEL = 5000
DEV_FRACTION = 0.1

# The phrase banks, by name (the order of every list is part of the seeded generation).
BANKS: dict[str, Any] = json.loads(PHRASES_FILE.read_text(encoding="utf-8"))


def _choice(rng: random.Random, bank: str) -> str:
    """One phrase of a flat bank (a list of strings)."""
    phrase: str = rng.choice(BANKS[bank])
    return phrase


def _lexical(label: str, rng: random.Random) -> str:
    """A compositional sentence: aspect + (negated) evaluation, feelings, staff actions, questions."""
    a, i = _choice(rng, "aspects"), _choice(rng, "intens")
    if label in ("positive", "negative"):
        good = label == "positive"
        same, other = ("pos_adj", "neg_adj") if good else ("neg_adj", "pos_adj")
        kind = rng.randrange(9)
        if kind == 0:
            return f"{a} {i} {_choice(rng, same)}"
        if kind == 1:  # negated opposite: "thủ tục không rườm rà" / "cán bộ chưa nhiệt tình"
            return f"{a} {_choice(rng, 'negators')} {_choice(rng, other)}"
        if kind == 2:
            staff = _choice(rng, "staff").format(n=rng.randint(1, 12))
            return f"{staff} {_choice(rng, 'pos_verb' if good else 'neg_verb')}"
        if kind == 3:
            feel = _choice(rng, "feel_pos" if good else "feel_neg")
            return f"tôi {i} {feel} vì {a} {_choice(rng, same)}"
        if kind == 4:
            return f"{_choice(rng, same)} {_choice(rng, 'exclaim')}"
        if kind == 5:
            return f"{a} {i} {_choice(rng, same)}, {_choice(rng, 'aspects')} cũng {_choice(rng, same)}"
        if kind == 6:
            en = _choice(rng, "en_pos" if good else "en_neg")
            return f"{_choice(rng, 'en_aspect')} {rng.choice(['is', 'was'])} {en}".capitalize()
        if kind == 7 and not good:
            return _choice(rng, "neg_rhetoric").format(x=_choice(rng, "neg_situation"))
        return f"{_choice(rng, 'overall')} {i} {_choice(rng, same)}"
    kind = rng.randrange(6)
    fill = {
        "a": a,
        "p": _choice(rng, "procs"),
        "o": _choice(rng, "neu_obj"),
        "v": _choice(rng, "neu_verb"),
        "n": rng.randint(1, 15),
        "d": rng.choice([2, 3, 5, 7]),
        "pe": _choice(rng, "en_procs"),
        "x": _choice(rng, "suggest_x"),
    }
    if kind <= 1:
        return _choice(rng, "question").format(**fill)
    if kind == 2:
        return _choice(rng, "neu_fact").format(**fill)
    if kind == 3:
        return _choice(rng, "suggest").format(**fill)
    if kind == 4:  # mixed from the lexicon
        pos = f"{_choice(rng, 'aspects')} {_choice(rng, 'intens')} {_choice(rng, 'pos_adj')}"
        neg = f"{_choice(rng, 'aspects')} {_choice(rng, 'intens')} {_choice(rng, 'neg_adj')}"
        first, second = (pos, neg) if rng.random() < 0.5 else (neg, pos)
        return _choice(rng, "mixed_join").format(a=first, b=second)
    return f"{a} {_choice(rng, 'so_so')}"


def _extra(label: str, rng: random.Random) -> str:
    """Sentences whose label goes against their surface words: praise through negation ("không phải
    chờ"), complaints told as a story ("lấy số xong mà máy không nhả phiếu"), neutral statements that
    mention waiting."""
    n, m = rng.randint(1, 12), rng.choice([5, 7, 10, 15, 20, 30])
    who = _choice(rng, "who").format(n=n)
    if label == "positive":
        kind = rng.randrange(6)
        if kind <= 1:
            text = f"{_choice(rng, 'no_prefix')} {_choice(rng, 'bad_things')}"
            return _choice(rng, "no_bad_templates").format(t=text)
        if kind == 2:
            return _choice(rng, "quick_templates").format(m=m) + _choice(rng, "quick_tails")
        if kind == 3:
            return _choice(rng, "thanks_templates").format(w=who, d=_choice(rng, "pos_done"))
        if kind == 4:
            return _choice(rng, "praise_templates").format(a=_choice(rng, "aspects"), w=who)
        return "được " + _choice(rng, "passive_pos")
    if label == "negative":
        kind = rng.randrange(5)
        if kind <= 1:
            return _choice(rng, "story_templates").format(
                a=_choice(rng, "neg_action"), o=_fill(_choice(rng, "neg_outcome"), rng).strip()
            )
        if kind == 2:
            return f"mất {_choice(rng, 'spans')} chỉ để {_choice(rng, 'neu_verb')} {_choice(rng, 'neu_obj')}"
        if kind == 3:
            return _choice(rng, "nobody_templates").format(x=_choice(rng, "nobody"))
        return _choice(rng, "misconduct_templates").format(
            w=who, p=_choice(rng, "procs"), d=rng.choice([10, 15, 20, 30])
        )
    kind = rng.randrange(3)
    if kind == 0:
        pos = (
            _clauses("pos", rng, 1)[0] if rng.random() < 0.5 else f"{_choice(rng, 'aspects')} {_choice(rng, 'pos_adj')}"
        )
        neg = (
            _clauses("neg", rng, 1)[0]
            if rng.random() < 0.5
            else f"{_choice(rng, 'aspects')} {_choice(rng, 'mild')} {_choice(rng, 'neg_adj')}"
        )
        a, b = (pos, neg) if rng.random() < 0.6 else (neg, pos)
        return _choice(rng, "mixed_connect").format(a=a, b=b)
    return _fill(
        _choice(rng, "neu_extra")
        .replace("{w}", _choice(rng, "weather"))
        .replace("{c}", _choice(rng, "crowd"))
        .replace("{x}", _choice(rng, "channel"))
        .replace("{sug}", _choice(rng, "suggest_verb")),
        rng,
    ).strip()


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        s=_choice(rng, "staff").format(n=rng.randint(1, 12)),
        v=_choice(rng, "very"),
        n=rng.randint(1, 60),
        m=rng.choice([5, 10, 15, 20]),
        h=rng.choice([1, 2, 3, 4, "2", "mấy"]),
        d=rng.choice([2, 3, 5, 7, 10, 15]),
        k=rng.choice([2, 3, 4]),
        t=rng.choice([6, 7, 8, 13, 14]),
        p=_choice(rng, "procs"),
        pe=_choice(rng, "en_procs"),
        o=_choice(rng, "neu_obj"),
    ).replace("  ", " ")


def _clauses(bank: str, rng: random.Random, count: int) -> list[str]:
    """``count`` clauses from different topics of the clause bank ``pos`` or ``neg``."""
    clauses: dict[str, list[str]] = BANKS[bank]
    topics = rng.sample(list(clauses), k=count)
    return [_fill(rng.choice(clauses[topic]), rng).strip() for topic in topics]


def _polar(label: str, rng: random.Random) -> str:
    count = rng.choices([1, 2, 3], weights=[5, 4, 1])[0]
    parts = _clauses("pos" if label == "positive" else "neg", rng, count)
    joiner = rng.choice([", ", ", ", " và ", ". ", ", lại còn " if label == "negative" else ", còn "])
    text = joiner.join(parts)
    if rng.random() < 0.15:  # a same-polarity contrast, so "nhưng" does not mean "neutral"
        if label == "positive":
            text = _choice(rng, "pos_contrast") + text
        else:
            text = _choice(rng, "neg_contrast") + text
            text = _fill(text, rng)
    return (_fill(_choice(rng, "openers"), rng) + text).strip()


def _neutral(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.3:  # mixed: one praise, one complaint
        pos = _clauses("pos", rng, 1)[0]
        neg = _clauses("neg", rng, 1)[0]
        a, b = (pos, neg) if rng.random() < 0.5 else (neg, pos)
        return _choice(rng, "mixed_join").format(a=a.strip(), b=b.strip())
    text = _fill(_choice(rng, "neu"), rng)
    if rng.random() < 0.2:
        text = _fill(_choice(rng, "openers"), rng) + text
    return text.strip()


def _perturb(text: str, label: str, rng: random.Random) -> str:
    for word, short in BANKS["abbrev"]:
        if word in text and rng.random() < 0.3:
            text = text.replace(word, rng.choice(short))
    if rng.random() < 0.3:
        text = fold_diacritics(text)
    r = rng.random()
    if r < 0.55:
        text = text[:1].upper() + text[1:]
    elif r < 0.62:
        text = text.upper()
    elif r < 0.7:
        words = text.split(" ")
        i = rng.randrange(len(words))
        words[i] = words[i].upper()
        text = " ".join(words)
    text = text.rstrip(".") + _choice(rng, "endings") if not text.endswith("?") else text
    if label != "neutral" and rng.random() < 0.25:
        emoji = _choice(rng, "pos_emoji" if label == "positive" else "neg_emoji")
        text = f"{text} {emoji * rng.choice([1, 1, 2, 3])}"
    return text


def generate(
    seed: int = SEED, n_per_label: int = N_PER_LABEL, exclude: set[str] | None = None
) -> list[tuple[str, str]]:
    """Return ``(label, text)`` pairs, deduplicated on the normalised text, none in ``exclude``."""
    rng = random.Random(seed)
    makers: dict[str, Callable[[], str]] = {
        "positive": lambda: _polar("positive", rng),
        "negative": lambda: _polar("negative", rng),
        "neutral": lambda: _neutral(rng),
    }
    seen = set(exclude or ())
    rows: list[tuple[str, str]] = []
    for label, make in makers.items():
        made, attempts = 0, 0
        while made < n_per_label and attempts < n_per_label * 20:
            attempts += 1
            r = rng.random()
            if r < 0.06:
                text = _fill(rng.choice(BANKS["en"][label]), rng).strip()
                text = _perturb(text, label, rng) if rng.random() < 0.5 else text
            elif r < 0.3:
                text = _perturb(" ".join(_extra(label, rng).split()), label, rng)
            elif r < 0.6:
                text = " ".join(_lexical(label, rng).split())
                if rng.random() < 0.3:  # two lexical clauses of the same label
                    text = f"{text}, {' '.join(_lexical(label, rng).split())}"
                text = _perturb(text, label, rng)
            else:
                text = _perturb(make(), label, rng)
            key = normalize_text(text)
            if key and key not in seen and fold_diacritics(key) not in seen:
                seen.add(key)
                rows.append((label, text))
                made += 1
    rng.shuffle(rows)
    return rows


def read_tsv(path: Path) -> list[tuple[str, str]]:
    """Read ``label<TAB>text`` rows, skipping a ``label<TAB>text`` header and blank lines."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line == "label\ttext":
            continue
        label, _, text = line.partition("\t")
        rows.append((label.strip(), text.strip()))
    return rows


def write_tsv(path: Path, rows: list[tuple[str, str]]) -> None:
    """Write rows as ``label<TAB>text`` with a header line."""
    lines = ["label\ttext", *(f"{label}\t{text}" for label, text in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    """Generate and write the train and dev files."""
    test_path = DATA_DIR / "indomain_test.tsv"
    exclude: set[str] = set()
    if test_path.exists():
        for _, text in read_tsv(test_path):
            key = normalize_text(text)
            exclude.update({key, fold_diacritics(key)})
    rows = generate(exclude=exclude)
    n_dev = int(len(rows) * DEV_FRACTION)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    write_tsv(DATA_DIR / "indomain_dev.tsv", rows[:n_dev])
    write_tsv(DATA_DIR / "indomain_train.tsv", rows[n_dev:])
    print(f"wrote {len(rows) - n_dev} train and {n_dev} dev rows to {DATA_DIR}")


if __name__ == "__main__":
    main()
