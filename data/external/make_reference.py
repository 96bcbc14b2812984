"""Copy the rows the project uses from the shared epidemiology.csv into epidemiology_reference.csv.

Run from the repository root:  .venv/bin/python data/external/make_reference.py [SOURCE_CSV]
Rows are selected by exact `figure` string and copied byte-for-byte (no values retyped);
ref_id and topic come from SELECTION below, kind and is_verified from the `verified` note.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from analysis.dystonia.reference import (  # the project is installed in .venv by `make`
    ORIGINAL_COLUMNS,
    kind_from_verified,
    load_reference,
    verified_flag,
)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

DEFAULT_SOURCE = REPO.parent / "shared" / "reference" / "epidemiology.csv"
OUTPUT = HERE / "epidemiology_reference.csv"

# (exact figure string in the source file, ref_id, topic)
SELECTION = [
    ("ESDE: primary dystonia, crude annual period prevalence",
     "esde-2000-primary-prevalence", "prevalence"),
    ("ESDE: focal dystonia prevalence", "esde-2000-focal-prevalence", "prevalence"),
    ("ESDE: cervical dystonia prevalence", "esde-2000-cervical-prevalence", "prevalence"),
    ("ESDE: blepharospasm prevalence", "esde-2000-blepharospasm-prevalence", "prevalence"),
    ("ESDE: writer's cramp prevalence", "esde-2000-writers-cramp-prevalence", "prevalence"),
    ("ESDE: segmental dystonia prevalence", "esde-2000-segmental-prevalence", "prevalence"),
    ("ESDE: generalised dystonia prevalence", "esde-2000-generalised-prevalence", "prevalence"),
    ("ESDE: focal share of primary dystonia (117/152)",
     "esde-2000-focal-share-of-primary", "share"),
    ("ESDE: cervical dystonia + blepharospasm share of focal ((57+36)/117)",
     "esde-2000-cd-bsp-share-of-focal", "share"),
    ("ESDE: cervical dystonia + blepharospasm share of all primary ((57+36)/152)",
     "esde-2000-cd-bsp-share-of-primary", "share"),
    ("ESDE: authors' caveat (qualitative)", "esde-2000-underascertainment-caveat", "other"),
    ("Steeves 2012: pooled prevalence of primary dystonia (12 service-based studies)",
     "steeves-2012-primary-prevalence", "prevalence"),
    ("Steeves 2012: pooled prevalence of cervical dystonia",
     "steeves-2012-cervical-prevalence", "prevalence"),
    ("Medina 2022: pooled prevalence, cervical dystonia",
     "medina-2022-cervical-prevalence", "prevalence"),
    ("Medina 2022: pooled prevalence, blepharospasm",
     "medina-2022-blepharospasm-prevalence", "prevalence"),
    ("Medina 2022: pooled prevalence, idiopathic/inherited isolated dystonia, all subtypes",
     "medina-2022-isolated-prevalence", "prevalence"),
    ("Defazio 2004: 'more accurate' prevalence estimate, late-onset dystonia, northern England",
     "defazio-2004-northern-england-late-onset-prevalence", "prevalence"),
    ("Hannover 2022: prevalence, all forms of dystonia",
     "hannover-2022-all-forms-prevalence", "prevalence"),
    ("Wales (SAIL data linkage): prevalence of adult-onset idiopathic dystonia, 2017",
     "wales-sail-2017-prevalence", "prevalence"),
    ("Wales: median age at diagnosis, adult-onset idiopathic dystonia",
     "wales-sail-median-age-at-diagnosis", "onset"),
    ("Wales (MDS congress abstract version): cervical dystonia share of primary dystonia cases",
     "wales-mds-cervical-share", "share"),
    ("Ireland: cervical dystonia share of adult-onset focal dystonia",
     "ireland-2016-cervical-share-of-focal", "share"),
    ("Ireland: blepharospasm share of adult-onset focal dystonia",
     "ireland-2016-blepharospasm-share-of-focal", "share"),
    ("UK THIN: mean age at cervical dystonia diagnosis",
     "uk-thin-cd-mean-age-at-diagnosis", "onset"),
    ("Dystonia Society estimate, people with dystonia in UK (2005)",
     "dystonia-society-2005-uk-estimate", "charity_estimate"),
    ("Brain Research Trust: people with dystonia in UK",
     "brain-research-trust-uk-estimate", "charity_estimate"),
    ("Dystonia Society (Aviva Community Fund bid): people affected in UK",
     "dystonia-society-c2017-uk-estimate", "charity_estimate"),
    ("Dystonia UK (current website): people affected in UK",
     "dystonia-uk-2020s-uk-estimate", "charity_estimate"),
    ("NetDoctor (UK): most common age of onset", "netdoctor-common-onset-age", "onset"),
    ("Dystonia Society text: remission rate", "dystonia-society-remission-text", "remission"),
    ("UK population, mid-2013", "ons-uk-population-mid2013", "population"),
    ("UK population, mid-2013 (revised), to nearest 100",
     "ons-uk-population-mid2013-revised", "population"),
    ("Jahanshahi 1990: any spontaneous remission of cervical dystonia",
     "jahanshahi-1990-cd-any-remission", "remission"),
    ("Jahanshahi 1990: sustained remission (median 3 years)",
     "jahanshahi-1990-cd-sustained-remission", "remission"),
    ("Jayne 1984: sustained remission, spasmodic torticollis",
     "jayne-1984-cd-sustained-remission", "remission"),
    ("Chan 1991: remissions, idiopathic cervical dystonia", "chan-1991-cd-remission", "remission"),
    ("Chan 1991: mean age at onset, cervical dystonia", "chan-1991-cd-mean-onset-age", "onset"),
    ("Heinen 1996: period of complete remission, spasmodic torticollis",
     "heinen-1996-cd-complete-remission", "remission"),
    ("Claypool 1995: remissions on follow-up", "claypool-1995-cd-remissions", "remission"),
    ("Acta Neurol Belg 1995 review: spontaneous remission, cervical dystonia",
     "acta-neurol-belg-1995-cd-remission", "remission"),
    ("Matthews 1978 (Oxford): full sustained recovery, spasmodic torticollis",
     "matthews-1978-cd-full-recovery", "remission"),
    ("Grandas 1988: mean age of onset, blepharospasm", "grandas-1988-bsp-mean-onset-age", "onset"),
    ("Iceland: mean age of onset, all primary dystonia",
     "iceland-2005-primary-mean-onset-age", "onset"),
    # Issue 8: record-linkage context, UK counts, children, course, sex and onset, provenance.
    ("Wales: average annual incidence, adult-onset idiopathic dystonia",
     "wales-sail-incidence", "other"),
    ("Steeves 2012: cervical dystonia incidence (single study, corrected)",
     "steeves-2012-cd-incidence", "other"),
    ("Claypool 1995: cervical dystonia incidence", "claypool-1995-cd-incidence", "other"),
    ("Iceland: crude prevalence, all primary dystonia", "iceland-2005-primary-prevalence", "prevalence"),
    ("Ireland: prevalence, adult-onset idiopathic isolated focal dystonia",
     "ireland-2016-focal-prevalence", "prevalence"),
    ("UK population aged 0-17, mid-2013 (approximate)", "ons-uk-population-0-17-mid2013", "population"),
    ("NetDoctor (UK): people affected by dystonia in UK", "netdoctor-uk-estimate", "charity_estimate"),
    ("NetDoctor (UK): children among UK dystonia cases", "netdoctor-uk-children", "children"),
    ("Petition citing Dystonia UK: children with dystonia in UK",
     "petition-dystonia-uk-children", "children"),
    ("Childhood dystonia (tertiary cohort): share secondary",
     "childhood-tertiary-2014-share-secondary", "children"),
    ("Childhood dystonia (tertiary cohort): share with cerebral palsy",
     "childhood-tertiary-2014-share-cerebral-palsy", "children"),
    ("Jahanshahi 1990: remissions occurring in first 5 years of illness",
     "jahanshahi-1990-remissions-first-5-years", "course"),
    ("Jahanshahi 1990: spread beyond neck", "jahanshahi-1990-cd-spread", "course"),
    ("Acta Neurol Belg 1995 review: time to maximal disability, cervical dystonia",
     "acta-neurol-belg-1995-cd-time-to-max", "course"),
    ("Acta Neurol Belg 1995 review: progression to segmental dystonia",
     "acta-neurol-belg-1995-cd-spread", "course"),
    ("Grandas 1988: dystonia elsewhere in blepharospasm patients",
     "grandas-1988-bsp-elsewhere", "course"),
    ("Late-onset cohort: spread during ~15 y follow-up, blepharospasm vs cervical dystonia",
     "late-onset-cohort-spread", "course"),
    ("Defazio 2013: cervical dystonia female:male ratio", "defazio-2013-cd-sex-ratio", "sex"),
    ("Chan 1991: female:male ratio, cervical dystonia", "chan-1991-cd-sex-ratio", "sex"),
    ("Claypool 1995: female:male ratio of age-adjusted incidence, cervical dystonia",
     "claypool-1995-cd-sex-ratio", "sex"),
    ("UK THIN: percent female, cervical dystonia", "uk-thin-cd-percent-female", "sex"),
    ("Grandas 1988: female:male ratio, blepharospasm", "grandas-1988-bsp-sex-ratio", "sex"),
    ("Blepharospasm survey 1984: female preponderance", "bsp-survey-1984-sex-ratio", "sex"),
    ("Late-onset cohort: mean age of onset, blepharospasm (n=124)",
     "late-onset-cohort-bsp-onset-age", "onset"),
    ("Late-onset cohort: mean age of onset, cervical dystonia (n=73)",
     "late-onset-cohort-cd-onset-age", "onset"),
]

OUTPUT_COLUMNS = ["ref_id", *ORIGINAL_COLUMNS, "kind", "is_verified", "topic"]


def select_rows(source: Path) -> list[dict[str, str]]:
    """Rows of `source` named in SELECTION, in source-file order, with the added columns."""
    with source.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    wanted = {figure: (ref_id, topic) for figure, ref_id, topic in SELECTION}
    if len(wanted) != len(SELECTION):
        raise SystemExit("SELECTION lists a figure twice")
    found = [row for row in rows if row["figure"] in wanted]
    missing = set(wanted) - {row["figure"] for row in found}
    if missing or len(found) != len(wanted):
        raise SystemExit(f"{source}: figures missing or duplicated: {sorted(missing)}")
    out = []
    for row in found:
        ref_id, topic = wanted[row["figure"]]
        out.append({
            "ref_id": ref_id,
            **{col: row[col] for col in ORIGINAL_COLUMNS},
            "kind": kind_from_verified(row["verified"]),
            "is_verified": str(verified_flag(row["verified"])),
            "topic": topic,
        })
    return out


def main(argv: list[str]) -> None:
    """Write OUTPUT from the source CSV (default ../shared/reference/...) and validate it."""
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    rows = select_rows(source)
    with OUTPUT.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=OUTPUT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    load_reference(OUTPUT)
    print(f"wrote {len(rows)} rows to {OUTPUT.relative_to(REPO)}")


if __name__ == "__main__":
    main(sys.argv)
