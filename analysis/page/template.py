"""The NHS Choices page template: topic, review dates, ratings and comments, for any page."""

from __future__ import annotations

import hashlib
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from analysis.page.coverage import Claim, claim_line, claim_match
from analysis.page.errors import PageError, PageWarning
from analysis.page.text import PageText

DMY = r"\d{1,2}/\d{1,2}/\d{4}"
REVIEWED = re.compile(rf"(?P<what>Page|Media) last reviewed:\s*(?P<date>{DMY})")
NEXT_DUE = re.compile(rf"Next review due:\s*(?P<date>{DMY})")
SERVICES = re.compile(r"^Find and choose services for (?P<topic>.+)$")
SECTION_HEADING = re.compile(r"^(?:Who is affected by|Types of|Causes of|Symptoms of|Diagnosing|Treating) (?:an? |the )?(?P<topic>\w[\w' -]*?)\??$")
RATINGS_COUNT = re.compile(r"Based on (?P<n>\d+) ratings?\b")
SCREENREADER_AVERAGE = re.compile(r"The average rating out of (?P<scale>\d+) for this page is (?P<avg>\d+(?:\.\d+)?)")
BREAKDOWN_COUNT = re.compile(r"^(?P<n>\d+) ratings?$")
STATED_COMMENTS = re.compile(r"^The (?P<n>\d+) comments?(?: about .+?)? posted are personal views\b")
COMMENTS_HEADER = re.compile(r"^Comments \((?P<n>\d+)\)")
SAID_ON = re.compile(r"^(?P<author>\S(?:.*\S)?) said on (?P<date>\d{1,2} [A-Za-z]+ \d{4})$")
REPORT_LINE = re.compile(r"^Report this content as offensive or unsuitable(?: comment id (?P<id>\d+))?$")
RATING_LABELS = ["Very helpful", "Helpful", "Fairly helpful", "Not very helpful", "Unhelpful"]
RATING_SCORES = dict(zip(RATING_LABELS, [5, 4, 3, 2, 1], strict=True))  # NHS Choices' five-star scale
PSEUDONYM_SALT = "dystonia-facts/commenter/"  # fmt: skip


@dataclass
class Extracted:
    """Rows for a table plus the spans of the page that they account for."""

    rows: list[dict] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)


def _parse_dmy(page: PageText, line: int, fieldname: str, text: str) -> date:
    """Parse dd/mm/yyyy or raise a PageError naming the line and field."""
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError as exc:
        raise PageError(page.name, line, fieldname, f"impossible date {text!r} ({exc})") from None


def _parse_dmonthy(page: PageText, line: int, fieldname: str, text: str) -> date:
    """Parse "29 March 2014" or raise a PageError naming the line and field."""
    try:
        return datetime.strptime(text, "%d %B %Y").date()
    except ValueError as exc:
        raise PageError(page.name, line, fieldname, f"impossible date {text!r} ({exc})") from None


def page_topic(page: PageText) -> tuple[str | None, str | None]:
    """Return (topic, title) from "Find and choose services for X" or the heading line."""
    for line in page.lines:
        if m := SERVICES.match(line.strip()):
            return m.group("topic").strip(), None
    first = next((line.strip() for line in page.lines if line.strip()), "")
    nearby = [line.strip() for line in page.lines[:12]]
    if "Share:" in nearby or any(line.startswith("\u2022") for line in nearby):
        return first.split(" - ")[0].strip(), first
    # A page cut short loses its closing "Find and choose services" line: fall back on its section headings.
    named = Counter(m.group("topic").lower() for line in page.lines if (m := SECTION_HEADING.match(line.strip())))
    if named:
        topic = named.most_common(1)[0][0]
        return topic[0].upper() + topic[1:], None
    return None, None


def review_dates(page: PageText) -> Extracted:
    """Pair each "Next review due" with the "Page/Media last reviewed" line before it."""
    out = Extracted()
    events = []
    for no, line in enumerate(page.lines, start=1):
        events += [("reviewed", no, m) for m in REVIEWED.finditer(line)]
        events += [("due", no, m) for m in NEXT_DUE.finditer(line)]
    events.sort(key=lambda e: (e[1], e[2].start()))
    open_row: dict | None = None
    for kind, no, m in events:
        if kind == "reviewed":
            what = m.group("what").lower()
            fieldname = f"{what}_last_reviewed"
            open_row = {
                "what": what,
                "last_reviewed": _parse_dmy(page, no, fieldname, m.group("date")),
                "last_reviewed_line": no,
                "next_review_due": None,
                "next_review_line": None,
            }
            out.rows.append(open_row)
            out.claims.append(claim_match(no, m, fieldname))
        else:
            if open_row is None or open_row["next_review_due"] is not None:
                raise PageError(page.name, no, "next_review_due", "'Next review due' with no 'last reviewed' before it")
            fieldname = f"{open_row['what']}_next_review_due"
            open_row["next_review_due"] = _parse_dmy(page, no, fieldname, m.group("date"))
            open_row["next_review_line"] = no
            out.claims.append(claim_match(no, m, fieldname))
    if not any(r["what"] == "page" for r in out.rows):
        warnings.warn(PageWarning(page.name, None, "page_last_reviewed", "no 'Page last reviewed' date: left missing"), stacklevel=2)
    return out


def _next_text(page: PageText, after: int, limit: int = 4) -> tuple[int, str] | None:
    """Return (line number, text) of the next non-blank line after line `after`."""
    for no in range(after + 1, min(after + 1 + limit, len(page.lines) + 1)):
        if page.line(no).strip():
            return no, page.line(no).strip()
    return None


def ratings(page: PageText) -> Extracted:
    """Read the ratings block: total count, average (label or number) and per-label breakdown."""
    out = Extracted()
    count_line = next((no for no, line in enumerate(page.lines, 1) if RATINGS_COUNT.search(line)), None)
    if count_line is None:
        warnings.warn(PageWarning(page.name, None, "ratings_count", "no 'Based on N ratings': ratings left missing"), stacklevel=2)
        return out
    m = RATINGS_COUNT.search(page.line(count_line))
    total = int(m.group("n"))
    out.rows.append(_rating("ratings_count", None, total, "stated", "", count_line))
    out.claims.append(claim_match(count_line, m, "ratings.ratings_count"))
    label, label_line = None, None
    avg_line = next((no for no in range(count_line, 0, -1) if page.line(no).strip() == "Average rating"), None)
    if avg_line is not None and (nxt := _next_text(page, avg_line)) and nxt[1] in RATING_LABELS:
        label_line, label = nxt
    number = None
    if sr := SCREENREADER_AVERAGE.search(page.line(count_line)):
        number = float(sr.group("avg"))
        out.claims.append(claim_match(count_line, sr, "ratings.average_score"))
        out.rows.append(_rating("average_score", None, number, "stated", f"screen-reader text, out of {sr.group('scale')}", count_line))
    if label is not None:
        out.rows.append(_rating("average_label", label, None, "stated", "label shown under 'Average rating'", label_line))
    breakdown = _breakdown(page, count_line, out)
    if breakdown:
        shown = sum(n for _, n in breakdown)
        if shown != total:
            raise PageError(page.name, count_line, "ratings_count", f"breakdown sums to {shown}, page states {total}")
        mean = sum(RATING_SCORES[lab] * n for lab, n in breakdown) / total
        out.rows.append(_rating("average_score", None, round(mean, 4), "derived", "mean of the breakdown, Very helpful=5 ... Unhelpful=1", count_line))
    if label is None and number is None and not breakdown:
        why = "no average in the saved text: nothing follows the 'Average rating' heading (a graphic is not saved as text)"
        out.rows.append(_rating("average_score", None, None, "missing", why, avg_line or count_line))
    return out


def _rating(metric: str, label: str | None, value: float | None, status: str, note: str, line: int | None) -> dict:
    """Return one ratings row."""
    return {"metric": metric, "label": label, "value": value, "status": status, "note": note, "line": line}


def _breakdown(page: PageText, count_line: int, out: Extracted) -> list[tuple[str, int]]:
    """Read "label / N ratings" pairs between "All ratings" and "Add your rating"."""
    found: list[tuple[str, int]] = []
    no = count_line + 1
    while no <= len(page.lines) and page.line(no).strip() != "Add your rating":
        text = page.line(no).strip()
        if text in RATING_LABELS and (nxt := _next_text(page, no)) and (m := BREAKDOWN_COUNT.match(nxt[1])):
            found.append((text, int(m.group("n"))))
            out.rows.append(_rating("breakdown", text, int(m.group("n")), "stated", f"score {RATING_SCORES[text]}", nxt[0]))
            out.claims.append(claim_line(nxt[0], page.line(nxt[0]), f"ratings.breakdown[{text}]"))
            no = nxt[0]
        no += 1
    return found


def pseudonym_letters(index: int) -> str:
    """Letters of the index-th commenter (0-based) in spreadsheet order: A..Z, AA, AB, ..., ZZ, AAA; short for any count."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def commenter_id(author: str) -> str:
    """Return a stable pseudonymous id for a published handle (same handle, same id, any page)."""
    return hashlib.sha256((PSEUDONYM_SALT + author.casefold()).encode()).hexdigest()[:10]


def comments(page: PageText) -> tuple[Extracted, int | None]:
    """Read the comment section: each "X said on d Month yyyy", its text, and the stated count."""
    out = Extracted()
    stated, stated_line = None, None
    for no, line in enumerate(page.lines, start=1):
        if m := STATED_COMMENTS.match(line.strip()):
            stated, stated_line = int(m.group("n")), no
            out.claims.append(claim_match(no, m, "comments.stated_count", "n"))
        elif m := COMMENTS_HEADER.match(line.strip()):
            out.claims.append(claim_line(no, line, "comments.header_count"))
    if stated_line is None:
        return out, None
    letters: dict[str, str] = {}
    no = stated_line + 1
    while (nxt := _next_text(page, no - 1, limit=len(page.lines))) and (head := SAID_ON.match(nxt[1])):
        head_line = nxt[0]
        author = head.group("author")
        when = _parse_dmonthy(page, head_line, "comment_date", head.group("date"))
        body, end = [], None
        for k in range(head_line + 1, len(page.lines) + 1):
            if rep := REPORT_LINE.match(page.line(k).strip()):
                end = k
                out.claims.append(claim_line(k, page.line(k), "comments.report_id"))
                break
            body.append(page.line(k))
        if end is None:
            raise PageError(page.name, head_line, "comment_text", f"comment by {author!r} has no end ('Report this content' line): the page looks truncated")
        text = "\n".join(body).strip("\n")
        if not text.strip():
            raise PageError(page.name, head_line, "comment_text", f"comment by {author!r} is empty")
        letters.setdefault(author, pseudonym_letters(len(letters)))
        position = len(out.rows) + 1
        out.rows.append(
            {
                "comment_id": f"C{position}",
                "position": position,
                "author": author,
                "commenter_id": commenter_id(author),
                "pseudonym": f"Commenter {letters[author]}",
                "date": when,
                "header_line": head_line,
                "text_line_start": head_line + 1 + next(i for i, b in enumerate(body) if b.strip()),
                "text_line_end": head_line + max(i for i, b in enumerate(body) if b.strip()) + 1,
                "text": text,
                "report_id": rep.group("id"),
            }
        )
        out.claims.append(claim_match(head_line, head, f"comments.C{position}.date", "date"))
        out.claims.append(claim_match(head_line, head, f"comments.C{position}.author (not a statistic)", "author"))
        out.claims += [claim_line(k, page.line(k), f"comments.C{position}.text (not a statistic)") for k in range(head_line + 1, end)]
        no = end + 1
    if len(out.rows) != stated:
        raise PageError(page.name, stated_line, "comments.stated_count", f"the page states {stated} comments but {len(out.rows)} were found")
    return out, stated
