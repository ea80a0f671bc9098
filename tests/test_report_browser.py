"""The HTML reports as a browser shows them: Debian's headless Chromium opens each report.

The test starts ``chromium --headless`` itself (no driver, no network): ``--dump-dom`` gives the
document after load, and ``--screenshot`` a picture of the page. A copy of each report gets a
small probe script that, once the page has loaded, writes what the browser made of every image
(decoded size, rendered width) into the DOM, so the dump shows whether a figure is missing or
broken. The report itself has no script; the test checks that too.

Skipped, with the reason, only when Chromium is not installed (``.ci/run`` installs it).
"""

import base64
import io
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest
import yaml

from simulator.cli import main
from simulator.experiment import run_experiment

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
CUSTOMERS = ROOT / "scenarios" / "customer_service.yaml"
NETWORK = ROOT / "scenarios" / "network.yaml"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

PROBE = """<script>
window.addEventListener("load", () => {
  for (const img of document.images) {
    const box = img.getBoundingClientRect();
    img.setAttribute("data-complete", String(img.complete));
    img.setAttribute("data-natural-width", String(img.naturalWidth));
    img.setAttribute("data-natural-height", String(img.naturalHeight));
    img.setAttribute("data-rendered-width", String(Math.round(box.width)));
    img.setAttribute("data-rendered-height", String(Math.round(box.height)));
  }
  document.body.setAttribute("data-probed", "loaded");
});
</script>"""

RUN_FIGURES = [
    "fig-inventory-widget",
    "fig-inventory-gadget",
    "fig-bullwhip",
    "fig-customers",
    "fig-customer-days",
    "fig-churn-reasons",
    "fig-scorecard",
]


def chromium() -> str:
    path = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if path is None:
        pytest.skip(
            "Debian's chromium is not installed (apt-get install chromium; .ci/run does it "
            "when run as root)"
        )
    return path


def browse(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess:
    """Open ``page`` in headless Chromium with a fresh profile, offline; the finished process."""
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *extra,
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)


class Dom(HTMLParser):
    """Sections, figures and their images and captions in a dumped DOM."""

    def __init__(self, text: str):
        super().__init__()
        self.sections: list[str] = []
        self.figures: dict[str, dict] = {}
        self.images: list[dict] = []
        self.body: dict = {}
        self.scripts = 0
        self._figure: str | None = None
        self._caption = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "body":
            self.body = attrs
        elif tag == "script":
            self.scripts += 1
        elif tag == "section":
            self.sections.append(attrs.get("id", ""))
        elif tag == "figure":
            self._figure = attrs.get("id", "")
            self.figures[self._figure] = {"images": [], "caption": ""}
        elif tag == "img":
            self.images.append(attrs)
            if self._figure is not None:
                self.figures[self._figure]["images"].append(attrs)
        elif tag == "figcaption":
            self._caption = True

    def handle_endtag(self, tag):
        if tag == "figure":
            self._figure = None
        elif tag == "figcaption":
            self._caption = False

    def handle_data(self, data):
        if self._caption and self._figure is not None:
            self.figures[self._figure]["caption"] += data


def decode_png(src: str) -> np.ndarray:
    prefix = "data:image/png;base64,"
    assert src.startswith(prefix), src[:40]
    data = base64.b64decode(src[len(prefix) :], validate=True)
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 5_000, "a figure of a few bytes is empty"
    return mpimg.imread(io.BytesIO(data), format="png")


def assert_not_blank(pixels: np.ndarray, what: str) -> None:
    assert pixels.ndim == 3 and pixels.shape[0] > 200 and pixels.shape[1] > 300, pixels.shape
    rgb = pixels[..., :3]
    assert float(rgb.std()) > 0.02, f"{what} is uniform"
    q = (rgb.reshape(-1, 3) * 255).astype(np.uint32)
    colours = np.unique((q[:, 0] << 16) | (q[:, 1] << 8) | q[:, 2])
    assert len(colours) > 8, f"{what} has {len(colours)} colours only"
    # some ink: at least 1% of the pixels are far from white
    assert float((rgb.min(axis=2) < 0.6).mean()) > 0.01, f"{what} is (nearly) empty"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """A run report, a network run's, and two experiment reports (2 variants x 3 x 30 days)."""
    chromium()
    base = tmp_path_factory.mktemp("reports")
    run = base / "run"
    assert main(["run", str(CUSTOMERS), "--days", "30", "--out", str(run)]) == 0
    assert main(["report", str(run)]) == 0
    network = base / "network"
    assert main(["run", str(NETWORK), "--days", "30", "--out", str(network)]) == 0
    experiments = {}
    for name, sweep in (("plain", False), ("sweep", True)):
        data = {
            "name": f"browser_{name}",
            "scenario": str(BASELINE),
            "horizon_days": 30,
            "warmup_days": 10,
            "replications": 3,
            "seed": 1,
            "kpis": ["fill_rate", "cost_holding", "cost_total", "profit"],
            "variants": {
                "sl90": {"warehouse.policies.widget.service_level": 0.90},
                "weekly": {"warehouse.policies.widget.review_days": 7},
            },
            "baseline": "sl90",
        }
        if sweep:
            data["variants"]["sl90"] = {}
            data["sweep"] = {"grid": {"warehouse.policies.widget.service_level": [0.85, 0.97]}}
        file = base / f"{name}.yaml"
        file.write_text(yaml.safe_dump(data, sort_keys=False))
        out = base / f"exp_{name}"
        run_experiment(file, workers=1, out=out, progress=False)
        assert main(["report", str(out)]) == 0
        experiments[name] = out
    return {
        "run": (run, ["headline", "summary", "kpis", "figures", "provenance"], RUN_FIGURES),
        "network": (
            network,
            ["headline", "summary", "kpis", "figures", "provenance"],
            [
                "fig-network",
                "fig-sites-echelon-1",
                "fig-sites-echelon-2",
                "fig-bullwhip",
                "fig-scorecard",
            ],
        ),
        "experiment": (
            experiments["plain"],
            ["headline", "summary", "verdict", "kpis", "figures", "provenance"],
            ["fig-comparison", "fig-frontier", "fig-story"],
        ),
        "sweep": (
            experiments["sweep"],
            ["headline", "summary", "verdict", "kpis", "figures", "provenance"],
            ["fig-sweep", "fig-frontier", "fig-story"],
        ),
    }


@pytest.fixture(scope="module")
def visits(reports, tmp_path_factory):
    """Each report opened once in Chromium: the DOM after load, and a screenshot."""
    out = {}
    for kind, (folder, _, _) in reports.items():
        work = tmp_path_factory.mktemp(f"browse_{kind}")
        html = (folder / "report.html").read_text(encoding="utf-8")
        probe = work / "probe.html"
        probe.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
        shot = work / "shot.png"
        result = browse(
            probe,
            work / "profile",
            "--dump-dom",
            f"--screenshot={shot}",
            "--window-size=1280,2400",
        )
        out[kind] = (html, result, shot)
    return out


@pytest.mark.parametrize("kind", ["run", "network", "experiment", "sweep"])
def test_chromium_renders_every_section_and_figure(reports, visits, kind):
    folder, sections, figures = reports[kind]
    html, result, _ = visits[kind]
    assert "<script" not in html.lower(), "the report itself must not need scripts"
    assert result.returncode == 0, result.stderr[-2000:]
    dom = Dom(result.stdout)
    assert dom.body.get("data-probed") == "loaded", "the page did not finish loading"
    assert dom.sections == sections
    assert list(dom.figures) == figures
    assert len(dom.images) == len(figures)  # no image outside a figure, none missing
    for fid, figure in dom.figures.items():
        (img,) = figure["images"]
        assert img.get("alt", "").strip(), f"{fid} has no alt text"
        assert figure["caption"].strip(), f"{fid} has no caption"
        # what the browser made of it: decoded, with a size, laid out on the page
        assert img["data-complete"] == "true", fid
        assert int(img["data-natural-width"]) >= 600, fid
        assert int(img["data-natural-height"]) >= 300, fid
        assert int(img["data-rendered-width"]) > 300, fid
        assert int(img["data-rendered-height"]) > 100, fid
        # and what it is: a PNG with something drawn on it
        pixels = decode_png(img["src"])
        assert pixels.shape[1] == int(img["data-natural-width"])
        assert pixels.shape[0] == int(img["data-natural-height"])
        assert_not_blank(pixels, fid)
        on_disk = mpimg.imread(folder / "figures" / f"{fid}.png")
        assert np.array_equal(on_disk, pixels), f"{fid}: figures/ and the page differ"


@pytest.mark.parametrize("kind", ["run", "network", "experiment", "sweep"])
def test_chromium_screenshot_of_the_report(visits, kind):
    _, result, shot = visits[kind]
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.is_file() and shot.stat().st_size > 20_000
    pixels = mpimg.imread(shot)
    assert pixels.shape[:2] == (2400, 1280)
    assert_not_blank(pixels, "the screenshot")


class Headline(HTMLParser):
    """The headline's sentence and the variant colour legend of a dumped DOM."""

    def __init__(self, text: str):
        super().__init__()
        self.sentence = ""
        self.colours: dict[str, str] = {}
        self._in = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and attrs.get("id") == "headline":
            self._in = True
        elif tag == "li" and "data-variant" in attrs:
            self.colours[attrs["data-variant"]] = attrs["data-colour"]

    def handle_endtag(self, tag):
        if tag in ("p", "section"):
            self._in = False

    def handle_data(self, data):
        if self._in:
            self.sentence += data


@pytest.mark.parametrize("kind", ["run", "experiment", "sweep"])
def test_the_headline_says_the_verdict_in_one_sentence(visits, kind):
    _, result, _ = visits[kind]
    headline = Headline(result.stdout)
    sentence = " ".join(headline.sentence.split())
    if kind == "run":
        assert sentence.startswith("Over 30 days measured: fill rate ")
        assert "profit" in sentence and "cost total" in sentence
    else:  # the first KPI's paired difference of the first variant, with its interval
        assert sentence.startswith("weekly against sl90: Fill rate (%) "), sentence
        assert " pp [" in sentence and "interval of the paired difference" in sentence
        assert sentence.endswith(
            ("significantly better.", "significantly worse.", "not significant.")
        )


@pytest.mark.parametrize("kind", ["experiment", "sweep"])
def test_one_colour_per_variant_across_the_page(reports, visits, kind):
    folder, _, figures = reports[kind]
    colours = Headline(visits[kind][1].stdout).colours
    assert list(colours) == ["sl90", "weekly"]
    assert len(set(colours.values())) == len(colours), "two variants share a colour"
    for fid in figures:  # every figure draws every variant in the page's colour for it
        svg = (folder / "figures" / f"{fid}.svg").read_text(encoding="utf-8").lower()
        for variant, colour in colours.items():
            assert colour.lower() in svg, f"{fid}: {variant}'s colour {colour} is not in it"


@pytest.mark.parametrize("kind", ["run", "experiment", "sweep"])
def test_svg_figures_beside_the_pngs(reports, kind):
    import xml.etree.ElementTree as ET

    folder, _, figures = reports[kind]
    for fid in figures:
        svg = folder / "figures" / f"{fid}.svg"
        assert svg.is_file(), fid
        root = ET.parse(svg).getroot()
        assert root.tag.endswith("svg"), fid
        assert len(list(root.iter())) > 50, f"{fid}: an SVG with nothing drawn"
