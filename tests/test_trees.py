"""Taxonomy and region trees (docs/design/records.md)."""

from __future__ import annotations

import pytest

from qtgov.records.trees import (
    OLD_CN_CODES,
    ROOT,
    Regions,
    Taxonomy,
    minimal_nodes,
    path_chain,
    path_is_ancestor_or_self,
    path_parent,
)

MARKETS = Taxonomy.from_data(
    {
        "scheme": "qt-markets",
        "version": 1,
        "nodes": {
            "cloud": {"name": {"zh": "云", "en": "Cloud"}},
            "cloud/compute": {"name": "Compute"},
            "cloud/computer": {"name": "Computers"},
            "cloud/compute/gpu": {"name": "GPU", "maps_to": [{"scheme": "gbt", "path": "i/64"}]},
            "cloud/storage": {"name": "Storage"},
        },
        "retired": {"cloud/disk": "cloud/blob", "cloud/blob": "cloud/storage", "cloud/cpu": "cloud/compute"},
    }
)


def test_paths_compare_by_segment_never_by_prefix() -> None:
    assert path_is_ancestor_or_self("cloud/compute", "cloud/compute/gpu")
    assert not path_is_ancestor_or_self("cloud/compute", "cloud/computer")
    assert not MARKETS.is_ancestor_or_self("cloud/compute", "cloud/computer")
    assert path_is_ancestor_or_self(ROOT, "cloud")
    assert path_is_ancestor_or_self("cloud", "cloud")
    assert not path_is_ancestor_or_self("cloud/compute/gpu", "cloud/compute")


def test_chain_depth_parent_meet() -> None:
    assert path_chain("cloud/compute/gpu") == ("*", "cloud", "cloud/compute", "cloud/compute/gpu")
    assert path_chain("*") == ("*",)
    assert MARKETS.depth("*") == 0
    assert MARKETS.depth("cloud/compute/gpu") == 3
    assert path_parent("cloud") == "*"
    assert path_parent("*") is None
    assert MARKETS.meet("cloud", "cloud/compute/gpu") == "cloud/compute/gpu"
    assert MARKETS.meet("cloud/compute/gpu", "*") == "cloud/compute/gpu"
    assert MARKETS.meet("cloud/compute", "cloud/computer") is None
    assert MARKETS.meet("cloud/compute", "cloud/storage") is None


def test_resolve_follows_retired_transitively_and_under_retired_nodes() -> None:
    assert MARKETS.resolve("cloud/storage") == "cloud/storage"
    assert MARKETS.resolve("cloud/disk") == "cloud/storage"  # disk -> blob -> storage
    assert MARKETS.resolve("cloud/cpu/gpu") == "cloud/compute/gpu"  # moves with its retired parent
    assert MARKETS.resolve("cloud/nope") is None
    assert MARKETS.resolve("*") == "*"
    assert MARKETS.follow_retired("cloud/storage") is None


def test_names_and_crosswalks() -> None:
    assert MARKETS.name("cloud", "zh") == "云"
    assert MARKETS.name("cloud", "fr") == "云"  # first language when the asked one is missing
    assert MARKETS.name("cloud/compute", "zh") == "Compute"
    assert MARKETS.name("cloud/unknown") == "cloud/unknown"
    assert MARKETS.maps_to("cloud/compute/gpu") == [("gbt", "i/64")]
    assert MARKETS.children("cloud") == ["cloud/compute", "cloud/computer", "cloud/storage"]


def test_tree_problems() -> None:
    broken = Taxonomy.from_data(
        {
            "scheme": "broken",
            "nodes": {
                "a": {"name": "A"},
                "b/c": {"name": "C"},
                "a/x": {"name": "X", "maps_to": [{"scheme": "nope", "path": "q"}]},
            },
            "retired": {"old": "gone", "l1": "l2", "l2": "l1", "a": "b"},
        }
    )
    messages = sorted(p.message for p in broken.problems({"broken": broken}))
    assert any("has no parent node 'b'" in m for m in messages)
    assert any("'old' points to 'gone'" in m for m in messages)
    assert any("'l1' is part of a loop" in m for m in messages) or any("'l1' points to" in m for m in messages)
    assert any("maps to unknown scheme 'nope'" in m for m in messages)
    assert any("both a live node and retired" in m for m in messages)
    assert MARKETS.problems({"qt-markets": MARKETS, "gbt": Taxonomy("gbt", nodes={"i": {}, "i/64": {}})}) == []


def test_minimal_nodes() -> None:
    assert minimal_nodes(["cloud/compute/gpu", "cloud", "cloud/storage", "edu", "edu"], path_chain) == ["cloud", "edu"]


@pytest.fixture(scope="module")
def nested() -> Regions:
    return Regions(aliases_nested=True)


@pytest.fixture(scope="module")
def separate() -> Regions:
    return Regions(aliases_nested=False)


def test_regions_countries_and_subdivisions(nested: Regions) -> None:
    assert nested.resolve("CN") == "CN"
    assert nested.resolve("CN-ZJ") == "CN-ZJ"
    assert nested.parent("CN") == "*"
    assert nested.parent("CN-ZJ") == "CN"
    assert nested.chain("CN-ZJ") == ("*", "CN", "CN-ZJ")
    assert nested.is_ancestor_or_self("*", "CN-ZJ")
    assert nested.is_ancestor_or_self("CN", "CN-ZJ")
    assert not nested.is_ancestor_or_self("CN-ZJ", "CN")
    assert nested.meet("CN", "CN-SH") == "CN-SH"
    assert nested.meet("CN-ZJ", "CN-SH") is None
    assert nested.depth("CN-ZJ") == 2
    assert nested.name("CN-ZJ").startswith("Zhejiang")
    assert nested.name("CN-ZJ", "zh") == "浙江省"
    assert nested.name("CN", "zh") == "中国"
    assert nested.name("CN", "xx") == "China"  # no translation: English
    assert nested.name("QQ", "zh") == "QQ"


def test_regions_nest_subdivisions_by_parent_code(nested: Regions) -> None:
    assert nested.parent("FR-75C") == "FR-IDF"
    assert nested.chain("FR-75C") == ("*", "FR", "FR-IDF", "FR-75C")
    assert nested.is_ancestor_or_self("FR", "FR-75C")
    assert "FR-75C" in nested.children("FR-IDF")
    assert "FR-75C" not in nested.children("FR")


def test_hk_mo_tw_are_one_region_each(nested: Regions, separate: Regions) -> None:
    for tree in (nested, separate):
        assert tree.resolve("CN-HK") == "HK"
        assert tree.resolve("HK") == "HK"
        assert tree.resolve("CN-MO") == "MO"
        assert tree.resolve("CN-TW") == "TW"
    assert nested.parent("HK") == "CN"
    assert nested.is_ancestor_or_self("CN", "HK")
    assert "HK" in nested.children("CN") and "CN-HK" not in nested.children("CN")
    assert separate.parent("HK") == "*"
    assert not separate.is_ancestor_or_self("CN", "HK")
    assert "HK" not in separate.children("CN")
    assert "TW" in separate.children("*")
    # Taiwan's own subdivisions hang under TW in both settings.
    assert nested.chain("TW-TPE") == ("*", "CN", "TW", "TW-TPE")
    assert separate.chain("TW-TPE") == ("*", "TW", "TW-TPE")


def test_old_numeric_cn_codes(nested: Regions) -> None:
    assert nested.resolve("CN-33") == "CN-ZJ"
    assert nested.resolve("CN-11") == "CN-BJ"
    assert nested.resolve("CN-91") == "HK"
    assert nested.is_old_code("CN-44")
    # Every old code maps to a live region.
    assert all(nested.resolve(new) == new for new in OLD_CN_CODES.values())


def test_invalid_codes(nested: Regions) -> None:
    assert nested.resolve("XX") is None
    assert nested.resolve("CN-ZZ") is None
    assert nested.resolve("cn") is None
    assert nested.resolve(None) is None
    # An unknown code still sits under its country so that a typo never hides an overlap.
    assert nested.chain("CN-ZZ") == ("*", "CN", "CN-ZZ")
    assert nested.chain("QQ") == ("*", "QQ")
    assert nested.resolve("*") == "*"
    assert len(nested.children("*")) > 200
