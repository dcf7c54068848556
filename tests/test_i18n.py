"""Message catalogs and country names in the languages of the region."""

from __future__ import annotations

import json
import string
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest

from gmspolicy.dataset import load_dataset
from gmspolicy.exporters._common import LEGEND_KEYS
from gmspolicy.i18n import LANGUAGES, Labels
from gmspolicy.models import Group

Run = Callable[..., tuple[int, str, str]]
OTHERS = [lang for lang in LANGUAGES if lang != "en"]


def catalog(lang: str) -> dict[str, str]:
    text = resources.files("gmspolicy").joinpath("locales", f"{lang}.json").read_text("utf-8")
    data = json.loads(text)
    assert isinstance(data, dict)
    return data


def placeholders(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def test_languages() -> None:
    assert OTHERS == ["my", "km", "lo", "th", "vi", "zh"]


@pytest.mark.parametrize("lang", OTHERS)
def test_catalog_has_every_key_as_a_flat_string(lang: str) -> None:
    en, cat = catalog("en"), catalog(lang)
    assert sorted(cat) == sorted(en)
    for key, value in cat.items():
        assert isinstance(value, str), key
        assert value.strip() == value != "", key


@pytest.mark.parametrize("lang", OTHERS)
def test_placeholders_match_english(lang: str) -> None:
    en, cat = catalog("en"), catalog(lang)
    assert {k: placeholders(v) for k, v in cat.items()} == {
        k: placeholders(v) for k, v in en.items()
    }


@pytest.mark.parametrize("lang", OTHERS)
def test_catalog_is_translated(lang: str) -> None:
    en, cat = catalog("en"), catalog(lang)
    assert [k for k in en if cat[k] == en[k]] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_legend_entries_start_with_the_cell_word(lang: str) -> None:
    """The HTML legend shows the cell word as a swatch and the rest as its explanation."""
    labels = Labels(lang)
    for key in LEGEND_KEYS:
        word, text = labels(f"cell.{key}"), labels(f"legend.{key}")
        assert text.startswith((f"{word}: ", f"{word}：", f"{word}៖ ")), (key, text)  # noqa: RUF001


def test_labels_format_placeholders_in_each_language() -> None:
    assert [Labels(lang)("cell.no_action_as_of", date="2020-01-01") for lang in LANGUAGES] == [
        "no action (as of 2020-01-01)",
        "ဆောင်ရွက်မှုမရှိ (2020-01-01 အထိ)",
        "គ្មានសកម្មភាព (គិតត្រឹម 2020-01-01)",
        "ບໍ່ມີການດຳເນີນການ (ນັບຮອດ 2020-01-01)",
        "ไม่มีการดำเนินการ (ณ 2020-01-01)",
        "chưa có hành động (tính đến 2020-01-01)",
        "未采取行动（截至 2020-01-01）",  # noqa: RUF001
    ]


# -- country names ----------------------------------------------------------------------------

REGION = ["BRN", "KHM", "CHN", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "TLS", "VNM"]


def test_the_twelve_countries() -> None:
    pset = load_dataset()
    found = sorted(
        c.code for c in pset.countries if Group.GMS in c.groups or Group.ASEAN in c.groups
    )
    assert found == sorted(REGION)


@pytest.mark.parametrize("lang", OTHERS)
def test_every_country_has_a_name_from_cldr_or_overrides(lang: str) -> None:
    from babel import Locale

    pset = load_dataset()
    territories = Locale.parse(lang).territories
    labels = Labels(lang)
    for code in REGION:
        country = pset.country(code)
        assert territories.get(country.alpha2), (lang, code)
        name = labels.country_name(country)
        assert name and "(" not in name, (lang, code, name)


def test_myanmar_and_lao_display_names() -> None:
    pset = load_dataset()
    names = {
        lang: (
            Labels(lang).country_name(pset.country("MMR")),
            Labels(lang).country_name(pset.country("LAO")),
        )
        for lang in LANGUAGES
    }
    assert names == {
        "en": ("Myanmar", "Lao PDR"),
        "my": ("မြန်မာ", "လာအို"),
        "km": ("មីយ៉ាន់ម៉ា", "ឡាវ"),
        "lo": ("ມຽນມາ", "ສປປ ລາວ"),
        "th": ("เมียนมา", "สปป.ลาว"),
        "vi": ("Myanmar", "Lào"),
        "zh": ("缅甸", "老挝"),
    }


def test_overrides_name_only_known_languages_and_countries() -> None:
    data = json.loads(
        resources.files("gmspolicy").joinpath("locales", "overrides.json").read_text("utf-8")
    )
    assert sorted(data) == sorted(LANGUAGES)
    for names in data.values():
        assert set(names) <= set(REGION)


# -- the command line -------------------------------------------------------------------------


def test_table_in_thai(cli: Run, make_dataset: Callable[..., Path]) -> None:
    code, out, err = cli("--data", str(make_dataset()), "table", "--lang", "th")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "# การให้สัตยาบันตราสารของสหประชาชาติ ILO และอาเซียน"
    # the list of countries is joined as CLDR says for Thai
    assert lines[2] == "สถานะของ สปป.ลาวและไทย ต่อตราสาร 2 ฉบับ ณ ข้อมูลล่าสุดที่บันทึกไว้"
    assert lines[4] == "| ตราสาร | สปป.ลาว | ไทย |"
    assert lines[6] == "| Conv | ไม่มีการดำเนินการ (ณ 2020-01-01)[^1] | ให้สัตยาบัน 2005-05-05[^2][^1] |"
    assert lines[7] == "| Prot | ไม่ทราบ | ไม่ทราบ |"
    assert "ยืนยันแล้ว 2 จาก 4 ช่อง" in lines
    assert "[^1]: Source two, Example, <https://example.org/s2> (เข้าดูเมื่อ 2024-01-31)" in lines


def test_html_table_in_burmese(cli: Run, make_dataset: Callable[..., Path]) -> None:
    code, out, err = cli("--data", str(make_dataset()), "table", "--lang", "my", "--format", "html")
    assert (code, err) == (0, "")
    assert '<html lang="my" dir="ltr">' in out
    assert '<button type="button" data-col="1">လာအို</button>' in out
    assert ">အတည်ပြုပြီး 2005-05-05<" in out
