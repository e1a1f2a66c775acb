"""Token ids for the sequence (BiLSTM) branch of the sentiment model — pure Python, no numpy.

The model's ONNX file carries two vocabularies in its metadata (``token_vocab`` and
``folded_vocab``, JSON lists); token ``vocab[i]`` has id ``i + 2``, id 0 is padding and id 1 is
"unknown".  Each token of ``normalize_text(comment)`` gets an id for its exact spelling and an id
for its accent-stripped spelling, so a comment typed without diacritics still reaches the
embeddings learnt from accented text.  The training script calls the same function.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Final

from edge_agent.core.sentiment import fold_diacritics

__all__ = ["MAX_TOKENS", "PAD_ID", "UNK_ID", "TokenVocab", "encode_tokens"]

MAX_TOKENS: Final = 64
PAD_ID: Final = 0
UNK_ID: Final = 1
_UNKNOWN_TOKEN: Final = "<unk>"


class TokenVocab:
    """The two token vocabularies of the sequence branch."""

    __slots__ = ("folded", "tokens")

    def __init__(self, tokens: Sequence[str], folded: Sequence[str]) -> None:
        self.tokens: Mapping[str, int] = {t: i + 2 for i, t in enumerate(tokens)}
        self.folded: Mapping[str, int] = {t: i + 2 for i, t in enumerate(folded)}

    @classmethod
    def from_metadata(cls, meta: Mapping[str, str]) -> TokenVocab:
        """Build from ONNX custom metadata (``token_vocab`` / ``folded_vocab`` JSON lists)."""
        return cls(json.loads(meta["token_vocab"]), json.loads(meta["folded_vocab"]))

    def to_metadata(self) -> dict[str, str]:
        """The metadata entries that :meth:`from_metadata` reads."""
        return {
            "token_vocab": json.dumps(sorted(self.tokens, key=self.tokens.__getitem__), ensure_ascii=False),
            "folded_vocab": json.dumps(sorted(self.folded, key=self.folded.__getitem__), ensure_ascii=False),
        }


def encode_tokens(normalised: str, vocab: TokenVocab, max_tokens: int = MAX_TOKENS) -> tuple[list[int], list[int]]:
    """Return ``(token_ids, folded_ids)`` for a ``normalize_text`` output (at most ``max_tokens``).

    An empty text becomes a single unknown token, so the sequence is never empty.
    """
    tokens = normalised.split()[:max_tokens] or [_UNKNOWN_TOKEN]
    ids = [vocab.tokens.get(t, UNK_ID) for t in tokens]
    folded = [vocab.folded.get(fold_diacritics(t), UNK_ID) for t in tokens]
    return ids, folded
