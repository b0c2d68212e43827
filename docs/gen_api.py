"""Write docs/api.md from the docstrings of the public API (run before `mkdocs build`)."""

import inspect
from pathlib import Path

import glmnet_bridge as gb

MODULES = ["activations", "neurons", "costs", "design", "checks", "rowblocks", "problem",
           "solvers", "descent", "fit", "results", "summary", "inference", "margins",
           "separation", "multinomial", "penalties", "penalized", "path", "pathstep", "network",
           "models", "compare", "plots", "report", "datasets", "cli"]


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
                kind = "property" if isinstance(inspect.getattr_static(obj, meth_name),
                                                property) else "method"
                label = meth_name if kind == "property" else signature(meth_name, meth)
                out += [f"### {name}.{label}", "", block(meth)]
    out += ["## Modules", ""]
    for mod in MODULES:
        m = __import__(f"glmnet_bridge.{mod}", fromlist=["_"])
        out += [f"### glmnet_bridge.{mod}", "", block(m)]
    Path(__file__).with_name("api.md").write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
