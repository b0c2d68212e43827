"""Execute notebooks/ once and write each, with its outputs, as a page of the docs site.

Run by `make docs`. An executed copy in build/notebooks/ newer than its notebook and the
package (written by tests/test_notebooks.py in the same CI run) is reused, not run again.
Pages go to docs/notebooks/<name>.md, figures to docs/notebooks/<name>_files/.
"""

import base64
import shutil
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "notebooks"
EXECUTED = ROOT / "build" / "notebooks"
PAGES = ROOT / "docs" / "notebooks"


def execute(path, out_dir=EXECUTED):
    """Run one notebook top to bottom; write the executed copy; return it."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out_dir / path.name)
    return nb


def newest_source():
    files = list((ROOT / "glmnet_bridge").rglob("*.py")) + list((ROOT / "data").glob("*"))
    return max(f.stat().st_mtime for f in files)


def executed(path):
    """Return the executed notebook: the fresh copy in build/ if there is one, else run it."""
    copy = EXECUTED / path.name
    if copy.exists() and copy.stat().st_mtime > max(path.stat().st_mtime, newest_source()):
        return nbformat.read(copy, as_version=4)
    return execute(path)


def fence(text, lang="text"):
    return f"```{lang}\n{text.rstrip()}\n```\n"


def page(nb, name):
    """Return the Markdown of an executed notebook; write its figures beside the page."""
    files = PAGES / f"{name}_files"
    shutil.rmtree(files, ignore_errors=True)
    parts, n_fig = [], 0
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source.rstrip() + "\n")
            continue
        if cell.cell_type != "code":
            continue
        parts.append(fence(cell.source, "python"))
        for out in cell.outputs:
            if out.output_type == "stream":
                parts.append(fence(out.text))
            elif out.output_type == "error":
                raise RuntimeError(f"{name}: a cell raised {out.ename}: {out.evalue}")
            else:
                data = out.get("data", {})
                if "image/png" in data:
                    n_fig += 1
                    files.mkdir(parents=True, exist_ok=True)
                    (files / f"figure{n_fig}.png").write_bytes(
                        base64.b64decode(data["image/png"]))
                    parts.append(f"![figure {n_fig}]({name}_files/figure{n_fig}.png)\n")
                elif "text/html" in data:
                    parts.append('<div class="nb-output">\n' + data["text/html"].strip()
                                 + "\n</div>\n")
                elif "text/plain" in data:
                    parts.append(fence(data["text/plain"]))
    note = (f"*Executed from `notebooks/{name}.ipynb` when the "
            "documentation was built; the repository keeps the notebook without outputs.*\n")
    return "\n".join(parts[:1] + [note] + parts[1:])


def main(names=None):
    PAGES.mkdir(parents=True, exist_ok=True)
    paths = sorted(SOURCE.glob("*.ipynb"))
    if names:
        paths = [p for p in paths if p.stem in names or p.name in names]
    for path in paths:
        text = page(executed(path), path.stem)
        (PAGES / f"{path.stem}.md").write_text(text, encoding="utf-8")
        print(f"docs/notebooks/{path.stem}.md")


if __name__ == "__main__":
    main(sys.argv[1:])
