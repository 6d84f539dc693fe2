"""Check that dvc.yaml tells the truth: each stage declares every s3pot module its notebook imports (directly or
through other s3pot modules) and every params key its params groups hold, a per-profile value by the active profile.

    python .ci/check_dvc.py          # fail, listing what is missing or extra
    python .ci/check_dvc.py --write  # rewrite the s3pot/ deps and the params list of each stage in dvc.yaml

A stage names the params groups it reads by its keys: `- synth_data.n_train.${base.profile}` for a value written
{smoke: …, default: …, paper: …} and `- train_parser.lr` for a plain one, so that editing a paper value does not
invalidate the default run. Keys that change only speed, never a result, are left out (SPEED_ONLY).
"""
from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PROFILES = ("smoke", "default", "paper")
SPEED_ONLY = {"base.workers"}  # data-loader processes: the same bytes with any number
PROFILE = "${base.profile}"


def module_file(name: str) -> Path | None:
    "The file of s3pot module `name` (`s3pot.data.synth` → s3pot/data/synth.py), None when there is none."
    base = ROOT.joinpath(*name.split("."))
    for p in (base.with_suffix(".py"), base/"__init__.py"):
        if p.is_file(): return p
    return None


def imported(tree: ast.AST, package: str) -> set[str]:
    "Names of the s3pot modules that `tree` imports anywhere (lazy imports in functions too); `package` resolves relative ones."
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import): names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            names.add(base)
            names |= {f"{base}.{a.name}" for a in node.names}  # `from s3pot import model` imports a module
    return {n for n in names if n == "s3pot" or n.startswith("s3pot.")}


def closure(names: set[str]) -> set[Path]:
    "Files of the s3pot modules in `names`, of the packages above them, and of everything they import in turn."
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for k in range(1, len(parts) + 1):  # importing a.b.c runs a/__init__ and a/b/__init__ first
            f = module_file(".".join(parts[:k]))
            if f is None or f in seen: continue
            seen.add(f)
            package = ".".join(parts[:k]) if f.name == "__init__.py" else ".".join(parts[:k - 1])
            todo.extend(imported(ast.parse(f.read_text()), package))
    return seen


def notebook_imports(nb: Path) -> set[str]:
    "The s3pot modules imported by the code cells of notebook `nb` (cells with shell or magic lines are skipped)."
    names = set()
    for cell in json.loads(nb.read_text())["cells"]:
        if cell["cell_type"] != "code": continue
        src = "".join(cell["source"])
        try: names |= imported(ast.parse(src), "")
        except SyntaxError: names |= set(re.findall(r"\b(?:from|import)\s+(s3pot(?:\.\w+)*)", src))
    return names


def stage_notebook(stage: dict) -> Path | None:
    m = re.search(r"\s(nbs/\S+\.ipynb)", stage.get("cmd", ""))  # the notebook that `s3pot stage` (papermill) runs
    return ROOT/m.group(1) if m else None


def wanted_deps(stage: dict) -> list[str]:
    nb = stage_notebook(stage)
    if nb is None: return []
    return sorted(p.relative_to(ROOT).as_posix() for p in closure(notebook_imports(nb)))


def is_profile_dict(v) -> bool:
    return isinstance(v, dict) and bool(v) and set(v) <= set(PROFILES)


def keys(value, prefix: str) -> list[str]:
    "The params keys under `prefix` that DVC should track: leaves, a per-profile value by the active profile."
    if is_profile_dict(value): return [f"{prefix}.{PROFILE}"]
    if isinstance(value, dict) and value and not any("." in str(name) for name in value):  # DVC splits keys at dots
        return [k for name, v in value.items() for k in keys(v, f"{prefix}.{name}")]
    return [] if prefix in SPEED_ONLY else [prefix]


def wanted_params(declared: list[str], params: dict) -> list[str]:
    "Every key of each params group that `declared` names (by a key or the group itself)."
    groups = []
    for d in declared:
        g = (d if isinstance(d, str) else next(iter(d))).split(".")[0]
        if g not in groups: groups.append(g)
    return [k for g in groups for k in keys(params[g], g)]


def check(dvc: dict, params: dict) -> list[str]:
    problems = []
    for name, stage in dvc["stages"].items():
        if stage_notebook(stage) is None: problems.append(f"stage {name}: no nbs/*.ipynb in its cmd to read the imports of")
        deps = [d for d in stage.get("deps", []) if isinstance(d, str)]
        declared = set(deps) | {d.rstrip("/") for d in deps}
        for f in wanted_deps(stage):
            if not (f in declared or any(f.startswith(d.rstrip("/") + "/") for d in declared)):
                problems.append(f"stage {name}: imports {f} but does not declare it under deps")
        have, want = stage.get("params", []), wanted_params(stage.get("params", []), params)
        for k in want:
            if k not in have: problems.append(f"stage {name}: params lacks {k}")
        for k in have:
            if k not in want: problems.append(f"stage {name}: params {k} is not a key of params.yaml to track")
    return problems


def write(text: str, dvc: dict, params: dict) -> str:
    "dvc.yaml with each stage's s3pot/ deps and its params list regenerated, everything else as it was."
    out, lines, i, stage = [], text.splitlines(keepends=True), 0, None
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^  (\w+):\s*$", line)
        if m and m.group(1) in dvc["stages"]: stage = dvc["stages"][m.group(1)]
        field = re.match(r"^    (deps|params):\s*$", line)
        if stage is None or not field:
            out.append(line); i += 1; continue
        out.append(line); i += 1
        items = []
        while i < len(lines) and re.match(r"^      - ", lines[i]): items.append(lines[i]); i += 1
        if field.group(1) == "deps":
            kept = [l for l in items if not l.strip()[2:].startswith("s3pot/") or l.strip()[2:].startswith("s3pot/weights/")]  # shipped weights are data
            out += kept + [f"      - {f}\n" for f in wanted_deps(stage)]
        else:
            out += [f"      - {k}\n" for k in wanted_params(stage.get("params", []), params)]
    return "".join(out)


def main(argv: list[str]) -> int:
    path = ROOT/"dvc.yaml"
    text, params = path.read_text(), yaml.safe_load((ROOT/"params.yaml").read_text())
    dvc = yaml.safe_load(text)
    if "--write" in argv:
        path.write_text(write(text, dvc, params))
        dvc = yaml.safe_load(path.read_text())
    problems = check(dvc, params)
    for p in problems: print(f"dvc.yaml: {p}", file=sys.stderr)
    if problems: print("run `python .ci/check_dvc.py --write` to regenerate them", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
