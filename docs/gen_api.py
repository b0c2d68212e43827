"""Write docs/api.md from the docstrings of the public API (run before `mkdocs build`)."""

import inspect
from pathlib import Path

import glmnet_bridge as gb


def modules():
    """Every module of the package, found by walking it (subpackages first, as laid out)."""
    import pkgutil

    names = []
    for info in pkgutil.walk_packages(gb.__path__, prefix="glmnet_bridge."):
        if info.name.rsplit(".", 1)[-1] != "__main__":
            names.append(info.name)
    return names


def block(obj):
    doc = inspect.getdoc(obj) or "(no docstring)"
    return "```text\n" + doc + "\n```\n"


def signature(name, obj):
    try:
        return f"{name}{inspect.signature(obj)}"
    except (TypeError, ValueError):
        return name


def main():
    out = ["# API reference", "",
           "Generated from the docstrings. Everything below is importable as "
           "`import glmnet_bridge as gb`; the module of each name is given.", ""]
    for name in sorted(gb.__all__, key=str.lower):
        obj = getattr(gb, name)
        if inspect.ismodule(obj):
            continue
        module = getattr(obj, "__module__", "")
        out += [f"## gb.{name}", "", f"`{signature(name, obj)}` — *{module}*", "", block(obj)]
        if inspect.isclass(obj):
            for meth_name, meth in inspect.getmembers(obj):
                if meth_name.startswith("_") or meth_name not in obj.__dict__:
                    continue
                static = inspect.getattr_static(obj, meth_name)
                if not (callable(static) or isinstance(static, (property, classmethod,
                                                                staticmethod))):
                    # a plain class attribute (Activation.name = "logistic"): its value, not
                    # the docstring of its type (str's or bool's)
                    out += [f"### {name}.{meth_name}", "",
                            f"Class attribute, value `{static!r}`.", ""]
                    continue
                kind = "property" if isinstance(static, property) else "method"
                label = meth_name if kind == "property" else signature(meth_name, meth)
                out += [f"### {name}.{label}", "", block(meth)]
    out += ["## Modules", ""]
    import importlib

    for mod in modules():
        out += [f"### {mod}", "", block(importlib.import_module(mod))]
    Path(__file__).with_name("api.md").write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
