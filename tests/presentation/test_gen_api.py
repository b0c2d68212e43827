"""The generated API page documents the package, not Python's built-in types."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_class_attributes_show_their_value_not_strs_docstring(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("gen_api", ROOT / "docs" / "gen_api.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    written = {}
    monkeypatch.setattr(Path, "write_text",
                        lambda self, text, encoding=None: written.setdefault(self.name, text))
    gen.main()
    text = written["api.md"]
    block = text[text.index("### Activation.name"):]
    block = block[:block.index("\n###", 5)]
    assert "Class attribute" in block
    assert "str(object=" not in text and "bool(x)" not in text
    assert "Returns True when the argument is true" not in text
