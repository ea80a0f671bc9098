"""Readable labels for scenario parameter paths, for axes, legends and captions.

A sweep's x axis shows the parameter it sweeps. Its path says exactly what was changed
(``suppliers.acme.lead_time_days.mean``) but reads like code; :func:`parameter_label` turns it
into words with the unit (``Lead time, acme, mean (days)``), and captions keep the path beside
the label, so nothing is lost. KPI labels come from the KPI registry (:func:`simulator.kpis.label`).

The rules, in order of the path's parts:

- a collection of things with ids (``suppliers``, ``products``, ``carriers``, ``segments``,
  ``policies``, ``sites``, ``lanes``) is followed by an id: the id qualifies the label
  (``acme``);
- a section (``warehouse``, ``customers``, ``behaviour``, ...) only groups fields: left out;
  a group with a meaning of its own (``loyalty``, ``sensitivity``) starts the words;
- the field itself becomes the words, its unit suffix the unit (``lead_time_days``: ``Lead
  time`` in ``days``; ``late_per_day``: ``Late`` ``per day``; a cost or price: ``money``);
- the keys of a distribution (``mean``, ``sd``, ``low``, ...) qualify the label after the id.
"""

from __future__ import annotations

#: Path parts followed by an id.
COLLECTIONS = frozenset(
    {"suppliers", "products", "carriers", "segments", "policies", "sites", "lanes", "plants"}
)

#: Path parts that only group fields (left out of the label).
SECTIONS = frozenset(
    {
        "warehouse",
        "customers",
        "behaviour",
        "production",
        "service_desk",
        "returns",
        "picking",
    }
)

#: The keys of a distribution (``DIST``) and of similar sub-mappings: qualifiers.
QUALIFIERS = frozenset(
    {"mean", "sd", "low", "high", "mode", "shape", "scale", "p", "min", "max", "value", "cv"}
)

#: Unit suffixes of field names, longest first, with the unit they mean.
UNIT_SUFFIXES = (
    ("_per_day", "per day"),
    ("_per_hour", "per hour"),
    ("_per_unit", "per unit"),
    ("_days", "days"),
    ("_hours", "hours"),
    ("_kg", "kg"),
    ("_units", "units"),
)

#: Words of field names that read better otherwise (after the unit suffix is taken off).
FIELD_WORDS = {"review": "review period", "transit": "transit time", "q": "order quantity Q"}

#: The singular of each collection: the label of a whole item (``Policy, widget``).
SINGULAR = {
    "suppliers": "supplier",
    "products": "product",
    "carriers": "carrier",
    "segments": "segment",
    "policies": "policy",
    "sites": "site",
    "lanes": "lane",
    "plants": "plant",
}

#: Field names whose value is money.
MONEY_WORDS = ("cost", "price", "penalty")

#: Field names whose value is a share (0..1).
SHARE_WORDS = ("service_level", "fill_rate", "probability", "rate")


def field_words(name: str) -> tuple[str, str]:
    """A field name as words and its unit (``lead_time_days`` -> ``("Lead time", "days")``)."""
    unit = ""
    for suffix, meaning in UNIT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name, unit = name[: -len(suffix)], meaning
            break
    else:
        if name.endswith(SHARE_WORDS):
            unit = "0..1"
        elif any(word in name for word in MONEY_WORDS):
            unit = "money"
    words = FIELD_WORDS.get(name, name.replace("_", " ").strip())
    return words[:1].upper() + words[1:], unit


def parameter_label(path: str) -> str:
    """A readable label of a scenario parameter path, with its unit.

    ``suppliers.acme.lead_time_days.mean`` -> ``Lead time, acme, mean (days)``;
    ``warehouse.policies.widget.service_level`` -> ``Service level, widget (0..1)``;
    ``horizon_days`` -> ``Horizon (days)``; ``warehouse.policies.widget`` -> ``Policy, widget``.
    """
    parts = str(path).split(".")
    ids: list[str] = []
    fields: list[str] = []
    qualifiers: list[str] = []
    expect_id = False
    collection = ""
    for part in parts:
        if expect_id:
            ids.append(part)
            expect_id = False
        elif part in COLLECTIONS:
            expect_id, collection = True, part
        elif part in SECTIONS and part != parts[-1]:
            continue
        elif part in QUALIFIERS and fields:
            qualifiers.append(part)
        else:
            fields.append(part)
    if not fields:
        return ", ".join([SINGULAR[collection].capitalize(), *ids]) if collection else str(path)
    words, unit = field_words(fields[-1])
    if len(fields) > 1:  # e.g. holding.rate: the owner's words first
        words = (
            " ".join(f.replace("_", " ") for f in fields[:-1]).capitalize() + " " + words.lower()
        )
    label = ", ".join([words, *ids, *qualifiers])
    return f"{label} ({unit})" if unit else label


def parameters_label(paths: list[str]) -> str:
    """Several swept parameters in one label (``Service level, widget / Review, widget``)."""
    return " / ".join(parameter_label(p) for p in paths)
