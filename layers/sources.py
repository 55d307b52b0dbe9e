"""Citations, the planning documents they cite, and the check that every quote is verbatim.

Seed texts are not part of the package: the app runs on the curated data alone, and only
``python -m layers check`` reads the seeds (``../shared/seeds`` by default, or ``--seeds DIR``).
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field as PField


MAX_QUOTE_CHARS = 120
_WHITESPACE = re.compile(r"\s+")


class Citation(BaseModel):
    """A short verbatim quote from a seed document."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    seed: str = PField(pattern=r"^\d{3}_[0-9a-f]{16}\.txt$")
    doc: str
    quote: str = PField(min_length=2, max_length=MAX_QUOTE_CHARS)


class DocumentCopy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seed: str
    lines: tuple[int, int]


class Document(BaseModel):
    """A planning document: key, titles, issuing date and where its text lies in the seeds."""

    model_config = ConfigDict(extra="forbid")
    key: str
    title_zh: str
    title_en: str
    date: str | None = PField(default=None, pattern=r"^\d{4}(-\d{2}){0,2}$")
    copies: list[DocumentCopy]


def squash(text: str) -> str:
    """Normalise for quote matching: remove all whitespace (PDF line breaks fall mid-sentence)."""
    return _WHITESPACE.sub("", text)


class SeedLibrary:
    """Seed texts, read once, with the squashed text of each document copy."""

    def __init__(self, seeds_dir: Path, documents: dict[str, Document]):
        self.seeds_dir = Path(seeds_dir)
        self.documents = documents
        if not self.seeds_dir.is_dir():
            raise FileNotFoundError(f"seed directory not found: {self.seeds_dir}")
        self._lines: dict[str, list[str]] = {}
        self._docs: dict[tuple[str, str], str] = {}

    def lines(self, seed: str) -> list[str]:
        if seed not in self._lines:
            path = self.seeds_dir / seed
            if not path.is_file():
                raise FileNotFoundError(f"seed file not found: {path}")
            self._lines[seed] = path.read_text(encoding="utf-8").split("\n")
        return self._lines[seed]

    def document_text(self, seed: str, doc: str) -> str:
        """Squashed text of document ``doc`` as it appears in ``seed``."""
        key = (seed, doc)
        if key not in self._docs:
            document = self.documents.get(doc)
            if document is None:
                raise KeyError(f"unknown document key {doc!r}")
            spans = [c.lines for c in document.copies if c.seed == seed]
            if not spans:
                raise KeyError(f"document {doc!r} has no copy in seed {seed}")
            start, end = spans[0]
            self._docs[key] = squash("".join(self.lines(seed)[start - 1 : end]))
        return self._docs[key]

    def check(self, citation: Citation) -> str | None:
        """Return why ``citation`` fails, or None when its quote is found in its document."""
        try:
            text = self.document_text(citation.seed, citation.doc)
        except (KeyError, FileNotFoundError) as exc:
            return str(exc).strip("'\"")
        if squash(citation.quote) not in text:
            return "quote not found verbatim in the document (whitespace ignored)"
        return None
