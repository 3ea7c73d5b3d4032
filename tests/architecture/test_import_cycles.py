"""No import cycles in src/: not between modules, not between the packages of terugkeer.

A cycle makes a package impossible to understand (or test, or replace) on its own; imports
under TYPE_CHECKING count too, since they tie the same knot for a reader.
"""

from __future__ import annotations

import grimp
import pytest


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(
        "terugkeer", include_external_packages=False, exclude_type_checking_imports=False
    )


def test_every_source_folder_is_a_package(graph: grimp.ImportGraph) -> None:
    """A folder without __init__.py is a namespace package that import graphs can miss."""
    assert "terugkeer.simulation.model" in graph.modules


def test_no_module_imports_itself_through_others(graph: grimp.ImportGraph) -> None:
    cycles = sorted(
        {
            tuple(sorted((module, imported)))
            for module in graph.modules
            for imported in graph.find_modules_directly_imported_by(module)
            if graph.chain_exists(importer=imported, imported=module)
        }
    )
    assert cycles == []


def test_no_two_packages_import_each_other(graph: grimp.ImportGraph) -> None:
    packages = sorted(m for m in graph.find_children("terugkeer") if graph.find_children(m))
    both_ways = [
        (a, b)
        for i, a in enumerate(packages)
        for b in packages[i + 1 :]
        if graph.chain_exists(importer=a, imported=b, as_packages=True)
        and graph.chain_exists(importer=b, imported=a, as_packages=True)
    ]
    assert both_ways == []
