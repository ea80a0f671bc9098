"""Validation of scenario files: every mistake reported as ``FILE: path.to.field: message``.

The contract (SPEC.md): ``supplysim validate FILE...`` exits 0 when every file is valid, else 2,
printing each problem on its own line on stderr. Paths use list indexes and mapping keys, never a
union's tag (``normal``, ``base_stock``). Structural problems are reported together; whole-scenario
checks (ids that must exist, shares that sum to 1) run once the structure is valid.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from simulator.cli import main
from simulator.config import ConfigError, Scenario, limits, load_scenario
from simulator.config.limits import MAX_FILE_BYTES
from simulator.distributions import Constant, Exponential, Gamma
from simulator.runs import scenario_data

ROOT = Path(__file__).resolve().parents[1]
SCENARIO_FILES = sorted((ROOT / "scenarios").rglob("*.yaml"))

BASE: dict[str, Any] = {
    "name": "validation_base",
    "description": "Two products, two suppliers, two carriers, two segments.",
    "horizon_days": 20,
    "warmup_days": 5,
    "seed": 3,
    "products": [
        {"id": "widget", "unit_cost": 10.0, "price": 15.0},
        {"id": "gadget", "unit_cost": 40.0, "price": 60.0, "holding_cost_per_unit_day": 0.05},
    ],
    "suppliers": [
        {
            "id": "acme",
            "products": ["widget"],
            "lead_time_days": {"dist": "gamma", "mean": 5, "sd": 2},
            "order_processing_days": 1,
            "capacity_per_day": 500,
            "defect_rate": 0.01,
            "order_cost": 100,
        },
        {
            "id": "globex",
            "products": ["gadget"],
            "lead_time_days": 4,
            "order_cost": 50,
            "disruptions": [{"type": "scheduled", "start_day": 10, "duration_days": 3}],
        },
    ],
    "carriers": [
        {
            "id": "freight",
            "mode": "standard",
            "transit_days": {"dist": "uniform", "low": 1, "high": 2},
            "cost_per_shipment": 100,
        },
        {
            "id": "parcel",
            "mode": "express",
            "transit_days": {"dist": "triangular", "low": 1, "mode": 2, "high": 3},
            "cost_per_unit": 0.5,
        },
    ],
    "warehouse": {
        "id": "central",
        "holding_cost_per_unit_day": 0.02,
        "unmet_demand": "backorder",
        "inbound_carrier": "freight",
        "initial_stock": {"widget": 50},
        "inspection": {"catch_rate": 0.8, "days": 0.5, "cost_per_unit": 0.05},
        "picking": {"workers": 2, "pick_hours": {"dist": "exponential", "mean": 0.2}},
        "policies": {
            "widget": {"type": "reorder_point", "service_level": 0.95, "eoq": True},
            "gadget": {"type": "min_max", "min": 20, "max": 80, "review_days": 7},
        },
    },
    "customers": {
        "segments": [
            {
                "id": "retail",
                "count": 100,
                "orders_per_customer_per_day": 0.1,
                "quantity": {"dist": "empirical", "values": [1, 2, 3], "weights": [5, 3, 2]},
                "product_mix": {"widget": 0.6, "gadget": 0.4},
                "promised_days": 4,
                "outbound_carrier": "parcel",
                "behaviour": "none",
            },
            {
                "id": "business",
                "count": 10,
                "orders_per_customer_per_day": 0.2,
                "quantity": {"dist": "poisson", "mean": 5},
                "product_mix": {"widget": 1.0},
                "promised_days": 2,
            },
        ]
    },
}

Mutation = Callable[[dict], None]


# --- helpers --------------------------------------------------------------------------------------


def _parent(data: dict, path: str) -> tuple[Any, Any]:
    """The container holding the last part of dotted ``path`` (lists by index), and that key."""
    node: Any = data
    *parts, last = path.split(".")
    for part in parts:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node, int(last) if isinstance(node, list) else last


def set_(path: str, value: Any) -> Mutation:
    def mutate(data: dict) -> None:
        node, key = _parent(data, path)
        node[key] = value

    return mutate


def drop(path: str) -> Mutation:
    def mutate(data: dict) -> None:
        node, key = _parent(data, path)
        del node[key]

    return mutate


def append(path: str, value: Any) -> Mutation:
    def mutate(data: dict) -> None:
        node, key = _parent(data, path)
        node[key].append(value)

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(data: dict) -> None:
        for m in mutations:
            m(data)

    return mutate


def write(tmp_path: Path, data: Any, name: str = "scenario.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


def scenario_file(tmp_path: Path, *mutations: Mutation, name: str = "scenario.yaml") -> str:
    """The base scenario with ``mutations`` applied, written to ``tmp_path``."""
    data = copy.deepcopy(BASE)
    for m in mutations:
        m(data)
    return write(tmp_path, data, name)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, list[str]]:
    """Run ``supplysim argv``: exit code, stdout, stderr lines."""
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err.splitlines()


def validate(capsys: pytest.CaptureFixture[str], *files: str) -> tuple[int, str, list[str]]:
    return cli(capsys, "validate", *files)


def assert_clean_refusal(code: int, lines: list[str], file: str, word: str) -> str:
    """Exit 2, exactly one line naming the file, containing ``word``, and no traceback."""
    assert code == 2
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{file}: "), lines
    assert word.lower() in lines[0].lower(), lines
    assert "Traceback" not in lines[0]
    return lines[0]


# --- the base scenario ----------------------------------------------------------------------------


def test_base_scenario_is_valid(tmp_path, capsys):
    path = scenario_file(tmp_path)
    code, out, err = validate(capsys, path)
    assert (code, err) == (0, [])
    assert f"{path}: valid" in out


@pytest.mark.parametrize(
    "policy",
    [
        {"type": "base_stock", "level": 60},
        {"type": "base_stock", "level": 60, "review_days": 2},
        {"type": "periodic", "review_days": 7, "order_up_to": 90},
        {"type": "reorder_point", "reorder_point": 20, "order_quantity": 30},
        {"type": "min_max", "min": 0, "max": 1},
    ],
    ids=lambda p: "-".join(f"{k}={v}" for k, v in p.items()),
)
def test_other_policy_types_are_valid(tmp_path, capsys, policy):
    path = scenario_file(tmp_path, set_("warehouse.policies.gadget", policy))
    assert validate(capsys, path)[0] == 0
    assert load_scenario(path).warehouse.policies["gadget"].type == policy["type"]


def test_plain_numbers_stand_for_constant_distributions(tmp_path):
    sc = load_scenario(scenario_file(tmp_path, set_("carriers.0.transit_days", 2)))
    assert sc.suppliers[1].lead_time_days == Constant(value=4)
    assert sc.carriers[0].transit_days == Constant(value=2)


# --- one mistake at a time ------------------------------------------------------------------------

MISTAKES = [
    # (id, mutation, exact field path, a word of the message)
    ("unknown top-level key", set_("colour", "red"), "colour", "unknown key"),
    ("unknown nested key", set_("suppliers.1.lead_tme", 3), "suppliers.1.lead_tme", "unknown key"),
    (
        "unknown key deep in the warehouse",
        set_("warehouse.picking.speed", 3),
        "warehouse.picking.speed",
        "unknown key",
    ),
    (
        "unknown key inside a distribution",
        set_("suppliers.0.lead_time_days.shape", 2),
        "suppliers.0.lead_time_days.shape",
        "unknown key",
    ),
    (
        "unknown key inside a policy",
        set_("warehouse.policies.gadget.reorder_qty", 5),
        "warehouse.policies.gadget.reorder_qty",
        "unknown key",
    ),
    ("string for a number", set_("horizon_days", "ten"), "horizon_days", "number"),
    (
        "string for an integer",
        set_("customers.segments.1.count", "many"),
        "customers.segments.1.count",
        "integer",
    ),
    (
        "fraction for an integer",
        set_("customers.segments.1.count", 2.5),
        "customers.segments.1.count",
        "integer",
    ),
    (
        "negative constant lead time",
        set_("suppliers.0.lead_time_days", -3),
        "suppliers.0.lead_time_days",
        "greater than or equal to 0",
    ),
    (
        "negative explicit constant",
        set_("suppliers.0.lead_time_days", {"dist": "constant", "value": -1}),
        "suppliers.0.lead_time_days.value",
        "greater than or equal to 0",
    ),
    (
        "negative normal mean",
        set_("suppliers.0.lead_time_days", {"dist": "normal", "mean": -2, "sd": 1}),
        "suppliers.0.lead_time_days.mean",
        "greater than or equal to 0",
    ),
    (
        "normal without sd",
        set_("suppliers.0.lead_time_days", {"dist": "normal", "mean": 2}),
        "suppliers.0.lead_time_days.sd",
        "required",
    ),
    (
        "unknown distribution",
        set_("suppliers.0.lead_time_days", {"dist": "weibull", "mean": 2}),
        "suppliers.0.lead_time_days",
        "weibull",
    ),
    (
        "distribution mapping without dist",
        set_("suppliers.0.lead_time_days", {"mean": 2, "sd": 1}),
        "suppliers.0.lead_time_days",
        "'dist'",
    ),
    (
        "text for a distribution",
        set_("suppliers.1.lead_time_days", "4 days"),
        "suppliers.1.lead_time_days",
        "a number or a mapping",
    ),
    (
        "triangular mode above high",
        set_("carriers.1.transit_days", {"dist": "triangular", "low": 1, "mode": 5, "high": 3}),
        "carriers.1.transit_days",
        "low <= mode <= high",
    ),
    (
        "uniform high below low",
        set_("carriers.0.transit_days", {"dist": "uniform", "low": 3, "high": 1}),
        "carriers.0.transit_days",
        "high",
    ),
    (
        "empirical weights of the wrong length",
        set_("customers.segments.0.quantity.weights", [1, 2]),
        "customers.segments.0.quantity",
        "weights",
    ),
    (
        "min_max with min equal to max",
        set_("warehouse.policies.gadget.min", 80),
        "warehouse.policies.gadget",
        "below max",
    ),
    (
        "min_max with min above max",
        set_("warehouse.policies.gadget.min", 100),
        "warehouse.policies.gadget",
        "below max",
    ),
    (
        "reorder_point with both reorder_point and service_level",
        set_("warehouse.policies.widget.reorder_point", 10),
        "warehouse.policies.widget",
        "reorder_point, service_level and fill_rate",
    ),
    (
        "reorder_point with neither order_quantity nor eoq",
        set_("warehouse.policies.widget", {"type": "reorder_point", "reorder_point": 10}),
        "warehouse.policies.widget",
        "order_quantity",
    ),
    (
        # the tag (reorder_point) is also a key of the policy: the path must not repeat it
        "reorder_point that is not a number",
        set_(
            "warehouse.policies.widget",
            {"type": "reorder_point", "reorder_point": "lots", "order_quantity": 5},
        ),
        "warehouse.policies.widget.reorder_point",
        "number",
    ),
    (
        "service level of 1.5",
        set_("warehouse.policies.widget.service_level", 1.5),
        "warehouse.policies.widget.service_level",
        "less than 1",
    ),
    (
        "negative base-stock level",
        set_("warehouse.policies.gadget", {"type": "base_stock", "level": -1}),
        "warehouse.policies.gadget.level",
        "greater than or equal to 0",
    ),
    (
        "unknown policy type",
        set_("warehouse.policies.gadget", {"type": "kanban", "cards": 3}),
        "warehouse.policies.gadget",
        "kanban",
    ),
    (
        "policy written as a word",
        set_("warehouse.policies.gadget", "base_stock"),
        "warehouse.policies.gadget",
        "mapping",
    ),
    (
        "policy for a product nobody supplies",
        set_("suppliers.1.products", ["widget"]),
        "warehouse.policies.gadget",
        "no supplier supplies",
    ),
    (
        "demanded product without a policy",
        drop("warehouse.policies.gadget"),
        "warehouse.policies",
        "no policy",
    ),
    (
        "eoq without an order cost",
        set_("suppliers.0.order_cost", 0),
        "warehouse.policies.widget.eoq",
        "order_cost",
    ),
    (
        "product mix not summing to 1",
        set_("customers.segments.0.product_mix", {"widget": 0.5, "gadget": 0.4}),
        "customers.segments.0.product_mix",
        "sum to 1",
    ),
    (
        "product mix naming an unknown product",
        set_("customers.segments.0.product_mix", {"widget": 0.6, "gizmo": 0.4}),
        "customers.segments.0.product_mix.gizmo",
        "unknown product",
    ),
    (
        "supplier of an unknown product",
        set_("suppliers.1.products", ["gadget", "gizmo"]),
        "suppliers.1.products.1",
        "unknown product",
    ),
    (
        "initial stock of an unknown product",
        set_("warehouse.initial_stock.gizmo", 5),
        "warehouse.initial_stock.gizmo",
        "unknown product",
    ),
    ("duplicate supplier id", set_("suppliers.1.id", "acme"), "suppliers.1.id", "duplicate"),
    (
        "duplicate product id",
        append("products", {"id": "widget", "unit_cost": 1, "price": 2}),
        "products.2.id",
        "duplicate",
    ),
    (
        "id with a space",
        set_("products.0.id", "my widget"),
        "products.0.id",
        "not a valid id",
    ),
    (
        "outbound carrier that does not exist",
        set_("customers.segments.0.outbound_carrier", "drone"),
        "customers.segments.0.outbound_carrier",
        "unknown carrier",
    ),
    (
        "inbound carrier that does not exist",
        set_("warehouse.inbound_carrier", "ship"),
        "warehouse.inbound_carrier",
        "unknown carrier",
    ),
    ("defect rate of 1.2", set_("suppliers.0.defect_rate", 1.2), "suppliers.0.defect_rate", "1"),
    ("missing name", drop("name"), "name", "required"),
    ("missing warehouse", drop("warehouse"), "warehouse", "required"),
    ("horizon of 0 days", set_("horizon_days", 0), "horizon_days", "greater than 0"),
    ("no products", set_("products", []), "products", "at least 1"),
    (
        "unmet demand of an unknown word",
        set_("warehouse.unmet_demand", "cancel"),
        "warehouse.unmet_demand",
        "lost_sale",
    ),
    ("carrier mode not allowed", set_("carriers.0.mode", "teleport"), "carriers.0.mode", "express"),
    (
        "no pickers",
        set_("warehouse.picking.workers", 0),
        "warehouse.picking.workers",
        "greater than or equal to 1",
    ),
    (
        "unknown disruption type",
        set_("suppliers.1.disruptions.0.type", "meteor"),
        "suppliers.1.disruptions.0",
        "meteor",
    ),
    ("warehouse written as a list", set_("warehouse", []), "warehouse", "mapping"),
]


@pytest.mark.parametrize(
    ("mutation", "path", "word"),
    [pytest.param(m, p, w, id=name) for name, m, p, w in MISTAKES],
)
def test_each_mistake_is_reported_with_its_path(tmp_path, capsys, mutation, path, word):
    file = scenario_file(tmp_path, mutation)
    code, out, lines = validate(capsys, file)
    assert code == 2
    assert "valid" not in out
    assert len(lines) == 1, lines
    prefix = f"{file}: {path}: "
    assert lines[0].startswith(prefix), lines
    message = lines[0][len(prefix) :]
    assert word.lower() in message.lower(), lines
    assert message.strip(), lines


def test_mistakes_are_distinct():
    assert len(MISTAKES) >= 20
    assert len({name for name, *_ in MISTAKES}) == len(MISTAKES)


@pytest.mark.parametrize(
    "mutation",
    [
        set_("suppliers.0.lead_time_days", {"dist": "normal", "mean": -2, "sd": 1}),
        set_("warehouse.policies.gadget", {"type": "base_stock", "level": -1}),
        set_("suppliers.1.disruptions.0.duration_days", -1),
        set_("warehouse.policies.gadget.type", "nope"),
    ],
    ids=["dist", "policy", "disruption", "policy-type"],
)
def test_union_tags_never_appear_in_paths(tmp_path, capsys, mutation):
    code, _, lines = validate(capsys, scenario_file(tmp_path, mutation))
    assert code == 2 and lines
    for line in lines:
        path = line.split(": ")[1]
        for tag in ("normal", "base_stock", "scheduled", "constant", "nope"):
            assert tag not in path.split("."), line


# --- several problems at once ---------------------------------------------------------------------


def test_all_structural_problems_are_reported_together(tmp_path, capsys):
    file = scenario_file(
        tmp_path,
        set_("colour", "red"),
        set_("horizon_days", 0),
        set_("suppliers.0.lead_time_days", -3),
        set_("carriers.1.transit_days", {"dist": "triangular", "low": 1, "mode": 5, "high": 3}),
        set_("warehouse.picking.workers", 0),
        set_("warehouse.policies.widget.service_level", 1.5),
    )
    code, _, lines = validate(capsys, file)
    assert code == 2
    paths = sorted(line.split(": ")[1] for line in lines)
    assert paths == sorted(
        [
            "colour",
            "horizon_days",
            "suppliers.0.lead_time_days",
            "carriers.1.transit_days",
            "warehouse.picking.workers",
            "warehouse.policies.widget.service_level",
        ]
    )
    assert all(line.startswith(f"{file}: ") for line in lines)


def test_all_whole_scenario_problems_are_reported_together(tmp_path, capsys):
    file = scenario_file(
        tmp_path,
        set_("warehouse.inbound_carrier", "ship"),
        set_("customers.segments.0.outbound_carrier", "drone"),
        set_("customers.segments.1.product_mix", {"widget": 0.5}),
        set_("suppliers.1.id", "acme"),
    )
    code, _, lines = validate(capsys, file)
    assert code == 2
    assert sorted(line.split(": ")[1] for line in lines) == [
        "customers.segments.0.outbound_carrier",
        "customers.segments.1.product_mix",
        "suppliers.1.id",
        "warehouse.inbound_carrier",
    ]


def test_every_file_is_checked(tmp_path, capsys):
    good = scenario_file(tmp_path, name="good.yaml")
    bad1 = scenario_file(tmp_path, set_("horizon_days", 0), name="bad1.yaml")
    bad2 = scenario_file(tmp_path, set_("warehouse.inbound_carrier", "ship"), name="bad2.yaml")
    code, out, lines = validate(capsys, bad1, good, bad2)
    assert code == 2
    assert f"{good}: valid" in out
    assert lines == [
        f"{bad1}: horizon_days: input should be greater than 0",
        f"{bad2}: warehouse.inbound_carrier: unknown carrier 'ship' (carriers: freight, parcel)",
    ]


def test_run_reports_the_same_lines_as_validate(tmp_path, capsys):
    file = scenario_file(
        tmp_path,
        set_("suppliers.0.defect_rate", 1.2),
        set_("warehouse.policies.gadget.min", 100),
    )
    code_v, _, lines_v = validate(capsys, file)
    code_r, out_r, lines_r = cli(capsys, "run", file)
    assert code_v == code_r == 2
    assert lines_r == lines_v and len(lines_v) == 2
    assert out_r == ""
    assert not any("Traceback" in line for line in lines_r)


# --- files that are not scenarios at all ----------------------------------------------------------


def _billion_laughs() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


REFUSED_TEXTS = [
    ("alias bomb", _billion_laughs(), "refused"),
    ("recursive alias", "&a [*a]\n", "recursive alias"),
    ("recursive alias in a mapping", "name: &x {again: *x}\n", "recursive alias"),
    ("a list", "- name: a\n- name: b\n", "expected a mapping of keys, got list"),
    ("a scalar", "just words\n", "expected a mapping of keys, got str"),
    ("a number", "42\n", "expected a mapping of keys, got int"),
    ("empty file", "", "empty"),
    ("only comments", "# nothing here\n", "empty"),
    ("invalid syntax", "name: demo\nhorizon_days: 5\n  seed: 3\n", "line 3 column 7"),
    ("unclosed list", "name: demo\nproducts: [a, b\n", "invalid YAML"),
    ("duplicate top-level key", "name: a\nhorizon_days: 5\nname: b\n", "duplicate key 'name'"),
    (
        "duplicate nested key",
        "name: a\nwarehouse:\n  policies: {x: 1, x: 2}\n",
        "line 3 column 20: duplicate key 'x'",
    ),
    ("two documents", "name: a\n---\nname: b\n", "single document"),
    ("python object tag", "!!python/object/apply:os.system [echo hi]\n", "invalid YAML"),
    ("nested too deeply", "[" * 1000 + "]" * 1000 + "\n", "refused"),
]


@pytest.mark.parametrize(
    ("text", "word"), [pytest.param(t, w, id=name) for name, t, w in REFUSED_TEXTS]
)
def test_bad_documents_are_refused_cleanly(tmp_path, capsys, text, word):
    file = tmp_path / "bad.yaml"
    file.write_text(text, encoding="utf-8")
    code, out, lines = validate(capsys, str(file))
    assert_clean_refusal(code, lines, str(file), word)
    assert out == ""
    code, out, run_lines = cli(capsys, "run", str(file))
    assert (code, run_lines) == (2, lines)


def test_syntax_error_names_line_and_column(tmp_path, capsys):
    file = tmp_path / "syntax.yaml"
    file.write_text("name: demo\nhorizon_days: 5\n  seed: 3\n", encoding="utf-8")
    code, _, lines = validate(capsys, str(file))
    assert lines == [f"{file}: line 3 column 7: invalid YAML: mapping values are not allowed here"]


def test_missing_file(tmp_path, capsys):
    file = str(tmp_path / "nope.yaml")
    code, _, lines = validate(capsys, file)
    assert_clean_refusal(code, lines, file, "no such file")


def test_directory(tmp_path, capsys):
    code, _, lines = validate(capsys, str(tmp_path))
    assert_clean_refusal(code, lines, str(tmp_path), "directory")


def test_undecodable_file(tmp_path, capsys):
    file = tmp_path / "latin1.yaml"
    file.write_bytes("name: caf\xe9\n".encode("latin-1"))
    code, _, lines = validate(capsys, str(file))
    assert_clean_refusal(code, lines, str(file), "cannot read")


# --- --set overrides ------------------------------------------------------------------------------


@pytest.fixture
def base_file(tmp_path) -> str:
    return scenario_file(tmp_path, name="base.yaml")


def test_override_addresses_list_items_by_id(base_file):
    sc = load_scenario(base_file, overrides=["suppliers.globex.lead_time_days=7"])
    assert sc.suppliers[1].lead_time_days == Constant(value=7)
    assert sc.suppliers[0].lead_time_days == Gamma(dist="gamma", mean=5, sd=2)
    sc = load_scenario(base_file, overrides=["customers.segments.business.count=20"])
    assert [s.count for s in sc.customers.segments] == [100, 20]


def test_override_addresses_list_items_by_index(base_file):
    sc = load_scenario(base_file, overrides=["suppliers.0.lead_time_days=2.5"])
    assert sc.suppliers[0].lead_time_days == Constant(value=2.5)
    assert sc.suppliers[1].lead_time_days == Constant(value=4)


def test_override_sets_a_distribution_parameter(base_file):
    sc = load_scenario(base_file, overrides=["suppliers.acme.lead_time_days.mean=8"])
    assert sc.suppliers[0].lead_time_days == Gamma(dist="gamma", mean=8, sd=2)


def test_override_sets_policy_parameters(base_file):
    sc = load_scenario(
        base_file,
        overrides=[
            "warehouse.policies.gadget.max=99",
            "warehouse.policies.widget.service_level=0.99",
        ],
    )
    assert sc.warehouse.policies["gadget"].max == 99
    assert sc.warehouse.policies["gadget"].min == 20
    assert sc.warehouse.policies["widget"].service_level == 0.99


def test_override_value_is_read_as_yaml(base_file):
    sc = load_scenario(
        base_file,
        overrides=[
            "suppliers.acme.lead_time_days={dist: exponential, mean: 3}",
            "warehouse.policies.gadget={type: base_stock, level: 70}",
            "warehouse.picking.pick_hours=0.25",
        ],
    )
    assert sc.suppliers[0].lead_time_days == Exponential(dist="exponential", mean=3)
    assert sc.warehouse.policies["gadget"].type == "base_stock"
    assert sc.warehouse.policies["gadget"].level == 70
    assert sc.warehouse.picking.pick_hours == Constant(value=0.25)


def test_overrides_leave_the_file_alone(base_file):
    before = Path(base_file).read_text(encoding="utf-8")
    load_scenario(base_file, overrides=["horizon_days=99"])
    assert Path(base_file).read_text(encoding="utf-8") == before
    assert load_scenario(base_file).horizon_days == 20


def test_run_with_overrides(base_file, tmp_path, capsys):
    out_dir = tmp_path / "out"
    code, _, _ = cli(
        capsys,
        "run",
        base_file,
        "--days",
        "5",
        "--set",
        "suppliers.globex.lead_time_days=7",
        "--set",
        "warehouse.policies.widget.service_level=0.9",
        "--out",
        str(out_dir),
    )
    assert code == 0
    resolved = load_scenario(out_dir / "scenario.yaml")
    assert resolved.suppliers[1].lead_time_days == Constant(value=7)
    assert resolved.warehouse.policies["widget"].service_level == 0.9
    assert resolved.horizon_days == 5


def test_override_with_unknown_id(base_file, capsys):
    with pytest.raises(ConfigError) as info:
        load_scenario(base_file, overrides=["suppliers.initech.lead_time_days=3"])
    assert len(info.value.problems) == 1
    code, out, lines = cli(capsys, "run", base_file, "--set", "suppliers.initech.lead_time_days=3")
    line = assert_clean_refusal(code, lines, base_file, "initech")
    assert "acme, globex" in line
    assert out == ""


@pytest.mark.parametrize("bad", ["suppliers.acme.lead_time_days", "=3", "a..b=1"])
def test_malformed_override(base_file, capsys, bad):
    code, out, lines = cli(capsys, "run", base_file, "--set", bad)
    line = assert_clean_refusal(code, lines, base_file, bad)
    assert out == ""
    assert "PATH=VALUE" in line or "empty part" in line


def test_override_value_that_is_not_yaml(base_file, capsys):
    code, _, lines = cli(capsys, "run", base_file, "--set", "suppliers.acme.lead_time_days=[1, 2")
    assert_clean_refusal(code, lines, base_file, "cannot read value")


def test_override_introducing_an_unknown_key(base_file, capsys):
    code, out, lines = cli(capsys, "run", base_file, "--set", "suppliers.acme.lead_tme=3")
    assert code == 2 and out == ""
    assert lines == [f"{base_file}: suppliers.0.lead_tme: unknown key"]


def test_override_with_an_invalid_value(base_file, capsys):
    code, _, lines = cli(
        capsys, "run", base_file, "--set", "warehouse.policies.widget.service_level=1.5"
    )
    assert code == 2
    assert lines == [
        f"{base_file}: warehouse.policies.widget.service_level: input should be less than 1"
    ]


# --- round trip -----------------------------------------------------------------------------------


def _round_trip(tmp_path: Path, sc: Scenario) -> Scenario:
    return load_scenario(write(tmp_path, scenario_data(sc), "resolved.yaml"))


def test_resolved_scenario_round_trips(base_file, tmp_path):
    sc = load_scenario(
        base_file,
        overrides=[
            "suppliers.acme.lead_time_days={dist: normal, mean: 4, sd: 1}",
            "warehouse.policies.gadget={type: periodic, review_days: 7, order_up_to: 90}",
        ],
    )
    again = _round_trip(tmp_path, sc)
    assert again == sc
    assert scenario_data(again) == scenario_data(sc)


@pytest.mark.parametrize(
    "path", SCENARIO_FILES, ids=[str(p.relative_to(ROOT)) for p in SCENARIO_FILES]
)
def test_example_scenarios_round_trip(tmp_path, path):
    sc = load_scenario(path)
    assert _round_trip(tmp_path, sc) == sc


# --- the example scenarios ------------------------------------------------------------------------


def test_there_are_example_scenarios():
    assert len(SCENARIO_FILES) >= 2


@pytest.mark.parametrize(
    "path", SCENARIO_FILES, ids=[str(p.relative_to(ROOT)) for p in SCENARIO_FILES]
)
def test_example_scenario_validates(capsys, path):
    code, out, lines = validate(capsys, str(path))
    assert (code, lines) == (0, [])
    assert f"{path}: valid" in out


# --- limits (docs/limits.md) ----------------------------------------------------------------------

LIMIT_CASES = [
    ("infinite number", set_("horizon_days", float("inf")), "horizon_days", "finite"),
    ("not a number", set_("products.0.price", float("nan")), "products.0.price", "finite"),
    (
        "huge number",
        set_("warehouse.policies.gadget.max", 10**13),
        "warehouse.policies.gadget.max",
        "between 1e-12 and 1e12",
    ),
    (
        "tiny number",
        set_("suppliers.0.defect_rate", 1e-300),
        "suppliers.0.defect_rate",
        "between 1e-12 and 1e12",
    ),
    (
        "huge distribution parameter",
        set_("suppliers.0.lead_time_days.sd", 1e300),
        "suppliers.0.lead_time_days",
        "sd = 1e+300",
    ),
    (
        "empirical weights whose sum overflows",
        set_("customers.segments.0.quantity.weights", [1e308, 1e308, 1]),
        "customers.segments.0.quantity",
        "weights.0 = 1e+308",
    ),
    (
        "infinite constant distribution",
        set_("suppliers.1.lead_time_days", float("inf")),
        "suppliers.1.lead_time_days",
        "finite",
    ),
    (
        "period too short",
        set_("warehouse.policies.gadget.review_days", 1e-9),
        "warehouse.policies.gadget.review_days",
        "shortest period",
    ),
    (
        "orders too large",
        set_("customers.segments.1.quantity", {"dist": "poisson", "mean": 2e6}),
        "customers.segments.1.quantity",
        "1,000,000 units per order",
    ),
    (
        "constant orders too large",
        set_("customers.segments.1.quantity", 1e9),
        "customers.segments.1.quantity",
        "1,000,000 units per order",
    ),
    (
        "empirical orders too large",
        set_("customers.segments.1.quantity", {"dist": "empirical", "values": [1, 2e6]}),
        "customers.segments.1.quantity",
        "1,000,000 units per order",
    ),
]


@pytest.mark.parametrize(
    ("mutation", "path", "word"), [pytest.param(m, p, w, id=n) for n, m, p, w in LIMIT_CASES]
)
def test_numbers_beyond_the_limits_are_refused(tmp_path, capsys, mutation, path, word):
    file = scenario_file(tmp_path, mutation)
    code, _, lines = validate(capsys, file)
    line = assert_clean_refusal(code, lines, file, word)
    assert line.startswith(f"{file}: {path}: "), line
    assert cli(capsys, "run", file)[::2] == (2, lines)


def test_a_seed_is_an_identifier_not_a_quantity(tmp_path, capsys):
    assert validate(capsys, scenario_file(tmp_path, set_("seed", 2**63)))[0] == 0


def test_exponent_without_a_dot_is_a_number(tmp_path):
    file = tmp_path / "exp.yaml"
    file.write_text(
        yaml.safe_dump(BASE, sort_keys=False).replace("horizon_days: 20", "horizon_days: 2e1")
    )
    assert load_scenario(file).horizon_days == 20.0
    assert load_scenario(file, ["warmup_days=1E0"]).warmup_days == 1.0


WORK_CASES = [
    ("long horizon", set_("horizon_days", 1e9), "customers.segments.0", "--max-events"),
    (
        "many customers",
        set_("customers.segments.0.count", 10**9),
        "customers.segments.0",
        "1,000,000,000 customers x 0.1 orders per customer per day x 25 days",
    ),
    (
        "frequent reviews",
        set_("warehouse.policies.gadget.review_days", 1e-6),
        "warehouse.policies.gadget.review_days",
        "reviews every 1e-6 days over 25 days",
    ),
    (
        "frequent outages",
        set_(
            "suppliers.1.disruptions",
            [{"type": "random", "time_between_days": 1e-6, "duration_days": 1e-6}],
        ),
        "suppliers.1.disruptions.0",
        "an outage every 2e-6 days",
    ),
    (
        "customers with behaviour",
        both(
            set_("customers.segments.1.count", 2_000_000),
            set_("customers.segments.1.behaviour", {}),
        ),
        "customers.segments.1.count",
        "--max-customers",
    ),
    (
        "word of mouth",
        set_("customers.segments.1.behaviour", {"acquisition": {"per_promoter": 1.0}}),
        "customers.segments.1.behaviour.acquisition",
        "if every customer were a promoter",
    ),
    (
        "stock target",
        set_("warehouse.policies.gadget.max", 10**9),
        "warehouse.policies.gadget",
        "100,000,000 units per product",
    ),
    (
        "initial stock",
        set_("warehouse.initial_stock.widget", 10**9),
        "warehouse.initial_stock.widget",
        "100,000,000 units per product",
    ),
]


@pytest.mark.parametrize(
    ("mutation", "path", "word"), [pytest.param(m, p, w, id=n) for n, m, p, w in WORK_CASES]
)
def test_work_beyond_the_limits_is_refused_by_validate_and_run(
    tmp_path, capsys, mutation, path, word
):
    """Refused with the field named (and, for a billion customers, the stock they need too)."""
    file = scenario_file(tmp_path, mutation)
    code, _, lines = validate(capsys, file)
    assert code == 2
    assert any(line.startswith(f"{file}: {path}: ") and word in line for line in lines), lines
    assert cli(capsys, "run", file)[::2] == (2, lines)


def test_the_work_limit_can_be_raised(tmp_path, capsys):
    file = scenario_file(tmp_path, set_("horizon_days", 1_000_000))
    code, _, lines = validate(capsys, file)
    assert_clean_refusal(code, lines, file, "about 16,142,938 events")
    assert cli(capsys, "validate", file, "--max-events", "2e7")[0] == 0
    assert cli(capsys, "run", str(SCENARIO_FILES[0]), "--max-events", "100")[0] == 2


def test_run_days_count_in_the_estimate(tmp_path, capsys):
    file = scenario_file(tmp_path)
    code, _, lines = cli(capsys, "run", file, "--days", "1e9")
    assert_clean_refusal(code, lines, file, "x 1,000,000,005 days")


@pytest.mark.parametrize(
    ("flag", "value"), [("--max-events", "0"), ("--max-events", "lots"), ("--max-customers", "inf")]
)
def test_limit_flags_must_be_counts(capsys, flag, value):
    code, _, lines = cli(capsys, "validate", str(SCENARIO_FILES[0]), flag, value)
    assert code == 2 and flag in lines[-1]


def test_negative_replication_refused(capsys):
    file = str(SCENARIO_FILES[0])
    code, _, lines = cli(capsys, "run", file, "--replication", "-1")
    assert_clean_refusal(code, lines, file, "--replication: must be >= 0")


def test_files_that_are_not_regular_are_refused_without_blocking(tmp_path, capsys):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    for file in (str(fifo), "/dev/zero"):
        code, _, lines = validate(capsys, file)
        assert_clean_refusal(code, lines, file, "not a regular file")


def test_large_file_refused_before_reading(tmp_path, capsys):
    file = tmp_path / "big.yaml"
    with file.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: its size is all that is looked at
    code, _, lines = validate(capsys, str(file))
    assert_clean_refusal(code, lines, str(file), "larger than the limit of 10 MB")


def test_alias_bomb_in_a_set_value_refused(base_file, capsys):
    bomb = "[&a [1,1,1,1,1,1,1,1,1]"
    for name, alias in zip("bcdef", "abcde", strict=True):
        bomb += f", &{name} [" + ",".join([f"*{alias}"] * 9) + "]"
    bomb += "]"  # 9^6 = 531,441 leaves from six short lines
    code, _, lines = cli(capsys, "run", base_file, "--set", f"description={bomb}")
    line = assert_clean_refusal(code, lines, base_file, "nodes")
    assert line.startswith(f"{base_file}: --set description="), line


def test_every_stated_limit_is_in_the_docs():
    doc = (ROOT / "docs" / "limits.md").read_text()
    for name in dir(limits):
        value = getattr(limits, name)
        if name.isupper() and isinstance(value, int | float) and not isinstance(value, bool):
            shown = {f"{value:,}", limits.number_text(value), f"{value // 2**20} MB"}
            assert any(text in doc for text in shown), (name, value)


def test_experiment_work_is_checked_before_anything_is_simulated(tmp_path, capsys):
    """A variant of ten million customers is refused by its estimate, not by simulating a day."""
    experiment = {
        "name": "crowd",
        "scenario": scenario_file(tmp_path),
        "variants": {"small": {}, "big": {"customers.segments.retail.count": 10**7}},
        "replications": 2,
    }
    file = write(tmp_path, experiment, "crowd.yaml")
    code, _, lines = validate(capsys, file)
    line = assert_clean_refusal(code, lines, file, "in each of 4 runs")
    assert line.startswith(f"{file}: customers.segments.0: about 50,0"), line
