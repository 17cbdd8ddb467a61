"""docs/nodes.md has a row for every built-in node, with its aliases, in its "Every node" table."""
import re
from pathlib import Path

from phonon.plugins import Registry

ROOT = Path(__file__).resolve().parents[2]


def table_rows() -> dict[str, str]:
    text = (ROOT / "docs" / "nodes.md").read_text()
    section = text[text.index("## Every node"):]
    section = section[:section.index("\n## ", 1)]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"\| `([^`]+)` \| ([^|]*) \|", line)
        if m:
            rows[m.group(1)] = m.group(2)
    return rows


def test_every_built_in_node_has_a_row_with_its_aliases():
    reg = Registry()
    reg.load_entry_points()
    rows = table_rows()
    built_in = [e for e in reg.entries() if e.source == "built-in"]
    missing = [e.cls.spec.name for e in built_in if e.cls.spec.name not in rows]
    assert not missing, f"docs/nodes.md 'Every node' has no row for {missing}"
    for e in built_in:
        spec = e.cls.spec
        for alias in spec.aliases:
            assert f"`{alias}`" in rows[spec.name], f"{spec.name}: alias {alias} missing in docs/nodes.md"
