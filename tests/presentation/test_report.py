from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

import glmnet_bridge as gb
from glmnet_bridge.presentation import cli

F = "GRADE ~ GPA + TUCE + PSI"


class Tables(HTMLParser):
    """Collect every <table id=...> as rows of cell texts, and every <img> source."""

    def __init__(self):
        super().__init__()
        self.tables, self.images, self._cur, self._row, self._cell = {}, [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._cur = self.tables.setdefault(a.get("id", str(len(self.tables))), [])
        elif tag == "tr" and self._cur is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""
        elif tag == "img":
            self.images.append(a.get("src", ""))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._cur.append(self._row)
            self._row = None
        elif tag == "table":
            self._cur = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


@pytest.fixture(scope="module")
def comparison():
    return gb.compare(F, data=gb.datasets.load_spector(), quadratic=True)


def parse(path):
    p = Tables()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def test_html_report_table_matches_the_comparison(tmp_path, comparison):
    path = comparison.report(tmp_path / "r.html")
    p = parse(path)
    header, *rows = p.tables["coefficients"]
    assert header == ["activation", "cost", "term", "neuron", "glm", "abs_diff", "neuron_se",
                      "glm_se"]
    mle = comparison.table[comparison.mle_rows()].reset_index(drop=True)
    assert len(rows) == len(mle)
    for row, (_, ref) in zip(rows, mle.iterrows(), strict=True):
        assert row[0] == ref.activation and row[2] == ref.term
        for j, col in ((3, "neuron"), (4, "glm"), (6, "neuron_se"), (7, "glm_se")):
            assert float(row[j]) == pytest.approx(ref[col], rel=1e-5)
    stats = p.tables["statistics"]
    assert stats[0][:3] == ["activation", "cost", "llf_neuron"]
    assert float(stats[1][2]) == pytest.approx(comparison.stats.llf_neuron[0], rel=1e-6)


def test_html_report_is_self_contained(tmp_path, comparison):
    p = parse(comparison.report(tmp_path / "r.html"))
    assert len(p.images) == 3 and all(s.startswith("data:image/png;base64,") for s in p.images)
    text = (tmp_path / "r.html").read_text()
    assert "http://" not in text and "https://" not in text  # nothing to fetch
    assert "@media print" in text


def test_html_report_sections(tmp_path, comparison):
    text = comparison.report(tmp_path / "r.html").read_text()
    for needle in ("Verdict", "equals logistic regression to", "Separation check",
                   "no separation", "quadratic cost", "Logit against probit", "statsmodels",
                   "Software"):
        assert needle in text
    p = parse(tmp_path / "r.html")
    versions = dict(p.tables["versions"][1:])
    import numpy
    assert versions["numpy"] == numpy.__version__
    links = p.tables["links"]
    assert links[0] == ["term", "logit weight", "probit weight", "ratio"]
    effects = p.tables["effects"]
    assert effects[0][:3] == ["variable", "AME logit", "SE logit"]
    me = comparison.fits[("logistic", "cross_entropy")].get_margeff()
    gpa = next(r for r in effects if r[0] == "GPA")
    assert float(gpa[1]) == pytest.approx(me["dy/dx"]["GPA"], rel=1e-3)


def test_markdown_report_with_png_files(tmp_path, comparison):
    path = comparison.report(tmp_path / "r.md")
    text = path.read_text()
    assert "| activation | cost | term |" in text
    pngs = sorted((tmp_path / "r_files").glob("*.png"))
    assert len(pngs) == 3
    assert all(f.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for f in pngs)
    assert "](r_files/figure1.png)" in text


def test_bad_report_suffix(tmp_path, comparison):
    with pytest.raises(ValueError, match=r"\.html or \.md"):
        comparison.report(tmp_path / "r.pdf")


def test_latex_and_csv(tmp_path, comparison):
    tex = comparison.to_latex()
    assert tex.startswith("\\begin{tabular}") and "\\toprule" in tex and "abs\\_diff" in tex
    comparison.to_csv(tmp_path / "t.csv")
    back = pd.read_csv(tmp_path / "t.csv")
    np.testing.assert_allclose(back["neuron"], comparison.table["neuron"])
    assert comparison.to_csv().splitlines()[0].startswith("activation,cost,term")


def test_cli_report_default_and_markdown(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["report"]) == 0
    assert (tmp_path / "report.html").exists()
    assert cli.main(["report", "--output", "x.md", "--activations", "logistic", "cloglog",
                     "--no-quadratic", "--title", "My report"]) == 0
    assert (tmp_path / "x.md").read_text().startswith("# My report")
    assert "report written to" in capsys.readouterr().out


def test_report_without_the_quadratic_cost_has_no_such_section(tmp_path):
    cmp = gb.compare(F, data=gb.datasets.load_spector())
    text = cmp.report(tmp_path / "r.html").read_text()
    assert "Counterpoint" not in text and 'id="quadratic"' not in text
    assert "Counterpoint" not in cmp.report(tmp_path / "r.md").read_text()
