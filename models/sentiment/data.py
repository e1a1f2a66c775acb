"""Load the training and evaluation corpora: UIT-VSFC and the in-domain citizens' feedback files."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from edge_agent.core.sentiment import LABELS
from models.sentiment.make_corpus import read_tsv

DATA_DIR = Path(__file__).resolve().parent / "data"
# UIT-VSFC is not in the repository: it is in the project's shared/ folder, beside the checkout
# (as on a developer's machine and in CI); MOTCUA_VSFC_DIR points elsewhere.
SHARED_VSFC_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "uit-vsfc"
VSFC_DIR = Path(os.environ.get("MOTCUA_VSFC_DIR") or SHARED_VSFC_DIR)
VSFC_LABELS = {"0": "negative", "1": "neutral", "2": "positive"}

# UIT-VSFC spells emoticons as words; map them back so normalize_text sees what a citizen types.
_VSFC_EMOTICONS = {
    "colonsmile": ":)",
    "colonsmallsmile": ":)",
    "colonsmilesmile": ":))",
    "colonbigsmile": ":D",
    "colonlove": "<3",
    "colonlovelove": "<3 <3",
    "colonhihi": "^^",
    "colonsad": ":(",
    "colonsadcolon": ":(",
    "coloncontemn": "-_-",
    "colondoublesurprise": ":O",
    "colonsurprise": ":O",
    "coloncc": ":(",
    "coloncolon": "::",
    "doubledot": ":",
    "dotdotdot": "...",
    "vdotv": "v.v",
}
_VSFC_TOKEN_RE = re.compile(r"\b(" + "|".join(sorted(_VSFC_EMOTICONS, key=len, reverse=True)) + r")\b")
_VSFC_URL_RE = re.compile(r"(\w)dot(com|vn|net|edu|org)\b")


@dataclass(frozen=True)
class Split:
    """A named list of ``(label, text)`` rows."""

    name: str
    rows: list[tuple[str, str]]

    @property
    def texts(self) -> list[str]:
        """The raw texts."""
        return [text for _, text in self.rows]

    @property
    def labels(self) -> list[str]:
        """The gold labels."""
        return [label for label, _ in self.rows]


def unspell_vsfc(text: str) -> str:
    """Map UIT-VSFC's spelled emoticons and dotted URLs back (``colonsmile`` -> ``:)``)."""
    text = _VSFC_TOKEN_RE.sub(lambda m: _VSFC_EMOTICONS[m.group(1)], text)
    text = _VSFC_URL_RE.sub(r"\1.\2", text)
    return text.replace("dotnet", ".net")


def load_vsfc(split: str, root: Path = VSFC_DIR) -> Split:
    """Load one UIT-VSFC split (``train``, ``dev`` or ``test``) with labels as words."""
    sents = (root / split / "sents.txt").read_text(encoding="utf-8").splitlines()
    sentiments = (root / split / "sentiments.txt").read_text(encoding="utf-8").splitlines()
    if len(sents) != len(sentiments):
        raise ValueError(f"{split}: {len(sents)} sentences but {len(sentiments)} labels")
    rows = [(VSFC_LABELS[s.strip()], unspell_vsfc(t)) for t, s in zip(sents, sentiments, strict=True)]
    return Split(f"vsfc_{split}", rows)


def load_indomain(split: str, root: Path = DATA_DIR) -> Split:
    """Load ``indomain_{split}.tsv`` (``train``, ``dev`` or ``test``)."""
    rows = read_tsv(root / f"indomain_{split}.tsv")
    bad = [label for label, _ in rows if label not in LABELS]
    if bad:
        raise ValueError(f"indomain_{split}.tsv: unknown labels {sorted(set(bad))}")
    return Split(f"indomain_{split}", rows)
