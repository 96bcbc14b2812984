"""Reader comments and a page taxonomy shared by the comment-extractor tests (analysis.comments)."""

from __future__ import annotations

import pandas as pd

from analysis.comments import numbers as comment_numbers

MORBITZ1 = (
    "My problem started when I was about 2 months pregnant age of 27 year old. My right hand and "
    "leg muscles started to be stiff and my right hand shakes a lots. My beginning of pregnancy "
    "was OK, just this thing make me feel very exhausted. Even I experienced difficulties to walk. "
    "So, I went to see Specialist Neurologist in Norwich. After some blood tests and MRI, doctor "
    "confirmed that I got Hemi Dystonia. Now, I got 1 year old daughter, she is doing OK, very "
    "happy baby. And my Dystonia, well some days are good and some bad. When I do have bad days, "
    "my hand shakes and feel stiff. I do have tables called: Clonazepam (take them when I need to)."
)
BRUMMY40 = (
    "My father had a severe case of Dystonia, it affected every muscle in his body. He contracted "
    "the disease when I was a child and lived on through for 27 years with it. He got worse as "
    "the years went on and could less and less and finally had to go to hospital to have a tube "
    "fitted as he could no longer eat properly, this was to be the end as he contracted MRSA when "
    "I hospital. This. Disease can be hard to cope with and not pleasant from my experience with "
    "it, we never met other sufferers and knew very little growing up. My father became ill in "
    "1974 and passed away in 2001. I grew not knowing my father being healthy or able to talk but "
    "loved him all the same. He had a great sense of humour and was as strong as an ox "
    "considering his muscles didn't do what they were told. I hope they never find another case "
    "as bad as dads and that they find a cure or something to help from my dad. I still miss him "
    "and wish I had spent more time with him when I was younger. Love you Dad xx"
)
PAULINE15 = (
    "My son, who had tb meningitis approximately 40 years ago as a young child, has, only this "
    "year had part of his resulting multiple disabilities,diagnosed as secondary dystonia. It "
    "affects his left arm and leg. Neither I, nor anyone else I know even heard of Dystonia until "
    "this year despite many years of trying to find some way of obtainig help for the "
    "embarrasing and painful effects of the condition. I wonder how many other sufferers and "
    "families have to carry on in ignorance of the existence of this debilitating condition. This "
    "may well account for the relatively low numbers of known dystonia patients."
)

TYPES = pd.DataFrame({
    "type": ["Focal dystonia", "Segmental dystonia", "Multifocal dystonia", "Generalised dystonia",
             "Hemidystonia"],
    "examples": ["Cervical dystonia;blepharospasm;laryngeal dystonia;writer's cramp",
                 "Cranial dystonia", "", "", ""],
})
# As the page parser builds it: category rows are not listed; "primary dystonia" comes from them.
CAUSES = pd.DataFrame({
    "cause": ["no identifiable cause", "genetic", "stroke", "brain injury", "encephalitis",
              "Parkinson's disease"],
    "category": ["primary", "primary", "secondary", "secondary", "secondary", "secondary"],
})
# As the brief describes it: explicit category rows.
CAUSES_WITH_CATEGORY_ROWS = pd.DataFrame({
    "cause": ["stroke", "brain injury", "encephalitis", "Parkinson's disease", "primary dystonia",
              "secondary dystonia"],
    "category": ["secondary", "secondary", "secondary", "secondary", "primary", "secondary"],
})
TREATMENTS = pd.DataFrame({
    "treatment": ["botulinum toxin", "medication", "physiotherapy", "surgery"],
    "examples": ["", "anticholinergics;Baclofen;muscle relaxants", "",
                 "selective peripheral denervation;deep brain stimulation"],
})
TESTS = pd.DataFrame({"test": ["brain scans", "urine tests", "blood tests", "genetic testing"]})
TAXONOMY = (TYPES, CAUSES, TREATMENTS, TESTS)


def comments_frame(*texts: str) -> pd.DataFrame:
    """Build a comments table (the columns the page parser gives) from comment texts."""
    n = len(texts)
    return pd.DataFrame({
        "comment_id": [f"C{i}" for i in range(1, n + 1)],
        "pseudonym": [f"Commenter {chr(64 + i)}" for i in range(1, n + 1)],
        "author": [f"handle{i}" for i in range(1, n + 1)],
        "date": ["2014-03-29"] * n,
        "position": list(range(1, n + 1)),
        "text": list(texts),
    })


REAL = comments_frame(MORBITZ1, BRUMMY40, PAULINE15)


def rows(table: pd.DataFrame, comment_id: str, **equal: object) -> pd.DataFrame:
    """Return the rows of one comment whose columns equal the given values."""
    out = table[table["comment_id"] == comment_id]
    for column, value in equal.items():
        out = out[out[column] == value]
    return out


def numbers(text: str) -> list[tuple[object, str]]:
    """Return (value, kind) of every number mention in a text."""
    return [(n.value, n.kind) for n in comment_numbers.number_mentions(text)]
