"""An observation whose migrant passages are not quoted says so; it never looks empty."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

Run = Callable[..., tuple[int, str, str]]

OBSERVATIONS = """\
- id: co-quoted
  body: CEDAW
  kind: concluding_observations
  country: THA
  instrument: CONV
  adopted_year: 2017
  session: CEDAW 67th session
  symbol: CEDAW/C/THA/CO/6-7
  url: https://example.org/co-quoted
  excerpts:
  - paragraph: '37'
    text: The Committee is concerned about women migrant workers.
  sources: [s1]
- id: co-unread
  body: CEDAW
  kind: concluding_observations
  country: THA
  instrument: CONV
  adopted_year: 2023
  url: https://example.org/co-unread
  sources: [s1]
"""

NOTE = "Migrant-relevant passages not quoted here yet: read the document."


def test_markdown_and_html_say_when_no_passage_is_quoted(
    cli: Run, make_dataset: Callable[..., Path]
) -> None:
    root = make_dataset(observations_yaml=OBSERVATIONS)
    code, out, err = cli("--data", str(root), "observations", "--country", "THA")
    assert (code, err) == (0, "")
    unread, quoted = out.split("## ")[1:3]  # newest first
    assert "> ¶37: The Committee is concerned about women migrant workers." in quoted
    assert "CEDAW 67th session · CEDAW/C/THA/CO/6-7" in quoted
    assert NOTE not in quoted
    assert f"*{NOTE}*" in unread
    code, page, _ = cli("--data", str(root), "observations", "--country", "THA", "--format", "html")
    assert page.count(f'<p class="no-excerpts">{NOTE}</p>') == 1
    assert page.count("<blockquote>") == 1


def test_a_profile_has_one_top_heading_and_observations_below_it(
    cli: Run, make_dataset: Callable[..., Path]
) -> None:
    root = make_dataset(observations_yaml=OBSERVATIONS)
    code, out, _ = cli("--data", str(root), "show", "THA")
    assert code == 0
    headings = [line for line in out.splitlines() if line.startswith("#")]
    assert [h for h in headings if h.startswith("# ")] == ["# Country profile: Thailand"]
    assert "## Supervisory observations" in headings
    assert "### Thailand · CEDAW · concluding observations · Conv · 2023" in headings
