"""VADER sentiment of reader comments, per comment and per sentence: descriptive, never a verdict.

VADER is a fixed lexicon plus rules, so the scores are deterministic. Labels use the cut-offs
the VADER authors suggest: compound >= 0.05 positive, <= -0.05 negative, otherwise neutral.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

VADER_CITATION = (
    "Hutto CJ, Gilbert E. VADER: a parsimonious rule-based model for sentiment analysis of social "
    "media text. Proceedings of the 8th International AAAI Conference on Weblogs and Social Media "
    "(ICWSM-14), 2014. Implementation: vaderSentiment 3.3.2."
)
POSITIVE_CUTOFF = 0.05  # VADER README: compound >= 0.05 is positive
NEGATIVE_CUTOFF = -0.05  # VADER README: compound <= -0.05 is negative

SENTIMENT_CAVEATS: tuple[str, str, str] = (
    "Sarcasm and irony: VADER scores the words, not what the writer means, so \"great, another "
    "bad day\" can read as positive.",
    "Grief and medical words: a lexicon cannot tell a loving goodbye from happiness (words of "
    "love in a comment about a death score as positive), and medical words carry polarity of "
    "their own (\"severe\", \"painful\", \"disease\" pull scores down even in plain description).",
    "VADER was built and tuned on short social-media text, not on patient stories; with so few "
    "comments the scores describe these texts only and say nothing about patients in general.",
)

SCORE_KEYS = ("compound", "pos", "neu", "neg")
SENTENCE_COLUMNS = ["comment_id", "sentence_no", "sentence", *SCORE_KEYS, "label"]
COMMENT_COLUMNS = [
    "comment_id", *SCORE_KEYS, "label", "n_sentences", "n_positive_sentences",
    "n_neutral_sentences", "n_negative_sentences", "mean_sentence_compound",
    "min_sentence_compound", "max_sentence_compound", "most_negative_sentence",
    "most_positive_sentence",
]

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)", re.MULTILINE)


@lru_cache(maxsize=1)
def _analyzer() -> SentimentIntensityAnalyzer:
    """Return the one VADER analyser (loading the lexicon once)."""
    return SentimentIntensityAnalyzer()


def polarity(text: str) -> dict[str, float]:
    """Return VADER compound, pos, neu and neg scores for a text."""
    scores = _analyzer().polarity_scores(text)
    return {key: float(scores[key]) for key in SCORE_KEYS}


def label(compound: float) -> str:
    """Return "positive", "negative" or "neutral" for a compound score (VADER's cut-offs)."""
    if compound >= POSITIVE_CUTOFF:
        return "positive"
    if compound <= NEGATIVE_CUTOFF:
        return "negative"
    return "neutral"


def split_sentences(text: str) -> list[str]:
    """Split a text into sentences at . ! ? and line breaks, dropping empty pieces."""
    return [s.strip() for s in _SENTENCE.findall(text) if re.search(r"\w", s)]


def sentence_sentiment(comments: pd.DataFrame) -> pd.DataFrame:
    """Return one row per sentence of each comment with its scores (SENTENCE_COLUMNS)."""
    rows = []
    for cid, text in zip(comments["comment_id"], comments["text"], strict=True):
        for no, sentence in enumerate(split_sentences(str(text)), start=1):
            scores = polarity(sentence)
            rows.append({"comment_id": cid, "sentence_no": no, "sentence": sentence, **scores,
                         "label": label(scores["compound"])})
    return pd.DataFrame(rows, columns=SENTENCE_COLUMNS)


def _sentence_summary(sentences: pd.DataFrame) -> dict[str, object]:
    """Return counts and extremes of one comment's sentence scores."""
    if sentences.empty:
        return {"n_sentences": 0, "n_positive_sentences": 0, "n_neutral_sentences": 0,
                "n_negative_sentences": 0, "mean_sentence_compound": float("nan"),
                "min_sentence_compound": float("nan"), "max_sentence_compound": float("nan"),
                "most_negative_sentence": "", "most_positive_sentence": ""}
    counts = sentences["label"].value_counts()
    low = sentences.loc[sentences["compound"].idxmin()]
    high = sentences.loc[sentences["compound"].idxmax()]
    return {
        "n_sentences": len(sentences),
        "n_positive_sentences": int(counts.get("positive", 0)),
        "n_neutral_sentences": int(counts.get("neutral", 0)),
        "n_negative_sentences": int(counts.get("negative", 0)),
        "mean_sentence_compound": float(sentences["compound"].mean()),
        "min_sentence_compound": float(low["compound"]),
        "max_sentence_compound": float(high["compound"]),
        "most_negative_sentence": str(low["sentence"]),
        "most_positive_sentence": str(high["sentence"]),
    }


def comment_sentiment(comments: pd.DataFrame) -> pd.DataFrame:
    """Return one row per comment: whole-text scores plus a sentence summary (COMMENT_COLUMNS)."""
    per_sentence = sentence_sentiment(comments)
    rows = []
    for cid, text in zip(comments["comment_id"], comments["text"], strict=True):
        scores = polarity(str(text))
        mine = per_sentence[per_sentence["comment_id"] == cid].reset_index(drop=True)
        rows.append({"comment_id": cid, **scores, "label": label(scores["compound"]),
                     **_sentence_summary(mine)})
    return pd.DataFrame(rows, columns=COMMENT_COLUMNS)
