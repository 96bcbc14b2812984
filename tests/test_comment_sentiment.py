"""Tests for analysis.comments.sentiment on the page's real comments and on plain cases."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from analysis.comments import sentiment as cs
from analysis.paths import DEFAULT_PAGE

HEADER = re.compile(r"^(?P<author>\S+) said on (?P<date>\d{1,2} [A-Z][a-z]+ \d{4})$")
REPORT_LINE = "Report this content as offensive or unsuitable"


def read_comments() -> pd.DataFrame:
    """Split the saved page's comments on whole "<handle> said on <date>" lines (test helper)."""
    lines = DEFAULT_PAGE.read_text(encoding="utf-8").splitlines()
    out: list[dict[str, object]] = []
    for i, line in enumerate(lines):
        if HEADER.match(line):
            body = []
            for nxt in lines[i + 1:]:
                if nxt.strip() == REPORT_LINE:
                    break
                body.append(nxt)
            out.append({"comment_id": f"C{len(out) + 1}", "position": len(out) + 1,
                        "text": "\n".join(body).strip()})
    return pd.DataFrame(out)


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    """The page's three comments."""
    if not DEFAULT_PAGE.exists():
        pytest.skip(f"{DEFAULT_PAGE} not present")
    comments = read_comments()
    assert len(comments) == 3
    return comments


def test_polarity_keys_ranges_and_determinism() -> None:
    """Scores have VADER's four keys in range, and the same text always scores the same."""
    text = "The botox helps a lot, but some days are painful."
    first = cs.polarity(text)
    assert list(first) == ["compound", "pos", "neu", "neg"]
    assert -1 <= first["compound"] <= 1
    assert math.isclose(first["pos"] + first["neu"] + first["neg"], 1, abs_tol=0.002)
    cs._analyzer.cache_clear()
    assert cs.polarity(text) == first


def test_label_cutoffs() -> None:
    """VADER's +-0.05 cut-offs, inclusive."""
    assert [cs.label(x) for x in (0.05, 0.049, 0.0, -0.049, -0.05)] == [
        "positive", "neutral", "neutral", "neutral", "negative",
    ]


def test_clear_texts_get_the_expected_sign() -> None:
    """A plainly happy and a plainly unhappy sentence land on opposite sides."""
    assert cs.label(cs.polarity("I am so happy, the treatment works wonderfully.")["compound"]) == "positive"
    assert cs.label(cs.polarity("This is terrible, painful and hopeless.")["compound"]) == "negative"


def test_split_sentences() -> None:
    """Sentences end at . ! ? or a line break; a one-word "This." is still a sentence."""
    text = "He got worse. This. Disease can be hard!\nLove you Dad xx"
    assert cs.split_sentences(text) == ["He got worse.", "This.", "Disease can be hard!", "Love you Dad xx"]
    assert cs.split_sentences("Thank you all\nBest wishes") == ["Thank you all", "Best wishes"]
    assert cs.split_sentences("  ") == []


def test_comment_table_on_the_real_comments(real: pd.DataFrame) -> None:
    """One row per comment with the documented columns and sentence counts."""
    table = cs.comment_sentiment(real)
    assert list(table.columns) == cs.COMMENT_COLUMNS
    assert table["comment_id"].tolist() == ["C1", "C2", "C3"]
    assert table["n_sentences"].tolist() == [10, 11, 5]
    counts = table[["n_positive_sentences", "n_neutral_sentences", "n_negative_sentences"]].sum(axis=1)
    assert counts.tolist() == table["n_sentences"].tolist()


def test_pauline15_reads_negative(real: pd.DataFrame) -> None:
    """The comment about years without a diagnosis scores negative; its low point is "ignorance"."""
    row = cs.comment_sentiment(real).set_index("comment_id").loc["C3"]
    assert row["label"] == "negative"
    assert "in ignorance" in row["most_negative_sentence"]


def test_grief_caveat_is_real(real: pd.DataFrame) -> None:
    """A comment about a father's illness and death scores positive overall: the grief caveat."""
    table = cs.comment_sentiment(real).set_index("comment_id")
    assert table.loc["C2", "label"] == "positive"
    sentences = cs.sentence_sentiment(real)
    death = sentences[sentences["sentence"].str.contains("passed away")]
    assert death["label"].tolist() == ["negative"]
    goodbye = sentences[sentences["sentence"] == "Love you Dad xx"]
    assert goodbye["label"].tolist() == ["positive"]


def test_sentence_table_matches_its_comment(real: pd.DataFrame) -> None:
    """Sentence rows are numbered from 1 and each sentence is verbatim text of its comment."""
    sentences = cs.sentence_sentiment(real)
    assert list(sentences.columns) == cs.SENTENCE_COLUMNS
    texts = real.set_index("comment_id")["text"]
    for row in sentences.itertuples():
        assert row.sentence in texts[row.comment_id]
    assert sentences.groupby("comment_id")["sentence_no"].min().eq(1).all()


def test_empty_comment_text() -> None:
    """An empty comment gets a neutral score and no sentences."""
    table = cs.comment_sentiment(pd.DataFrame({"comment_id": ["C1"], "text": [""]}))
    row = table.iloc[0]
    assert (row["compound"], row["label"], row["n_sentences"]) == (0.0, "neutral", 0)
    assert math.isnan(row["mean_sentence_compound"])


def test_caveats_cover_sarcasm_grief_medical_words_and_social_media() -> None:
    """Three short caveats, on the four named limits, and a citation for VADER."""
    assert len(cs.SENTIMENT_CAVEATS) == 3
    joined = " ".join(cs.SENTIMENT_CAVEATS).lower()
    for word in ("sarcasm", "grief", "medical", "social-media"):
        assert word in joined
    assert all(len(caveat) < 300 for caveat in cs.SENTIMENT_CAVEATS)
    assert "Hutto" in cs.VADER_CITATION and "2014" in cs.VADER_CITATION
