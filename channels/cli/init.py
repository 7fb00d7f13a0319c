"""`aisle init DIR`: a shop project of its own, copied from the defaults shipped in the package.

    aisle init myshop && cd myshop && aisle serve

writes `aisle.yml` (every setting, pointing at the files below by relative paths), `data/nlu.yml`,
`data/policies/*.md`, `tests/conversations/*.yml` and an example catalog (`catalog/catalog.csv`
with a picture per product). Existing files are left alone unless `--force` is given.
"""
from __future__ import annotations

import argparse
import csv
import os
import re
import shlex
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from agent.config import AisleConfig, load_config
from agent.defaults import CONFIG, CONVERSATIONS, NLU_DATA, POLICIES, shipped
from agent.errors import ConfigError

CATALOG = Path("catalog") / "catalog.csv"
PROJECT_PATHS = {("nlu", "data"): f"data/{NLU_DATA}", ("policies", "dir"): f"data/{POLICIES}",
                 ("catalog", "path"): CATALOG.as_posix()}
CSV_COLUMNS = ("id", "title", "price", "currency", "stock", "brand", "category", "product_type", "colour",
               "material", "gender", "sizes", "description", "image", "url")


@dataclass(frozen=True)
class Copy:
    """One shipped file and where it goes in the project."""

    source: Path
    target: Path  # relative to the project folder


def add_init_command(commands: argparse._SubParsersAction) -> None:
    init = commands.add_parser("init", help="write an editable shop project (configuration, NLU data, policies, "
                                            "example catalog) into a folder")
    init.add_argument("dir", nargs="?", default=".", help="project folder, made if missing (default: this folder)")
    init.add_argument("--force", action="store_true", help="overwrite files that are already there")
    init.add_argument("--products", type=int, default=200,
                      help="products in the example catalog (default 200; the demo has catalog.demo_size)")
    init.set_defaults(command=_init)


def _init(_config: AisleConfig, args: argparse.Namespace) -> int:
    if not 1 <= args.products <= 200_000:
        raise ConfigError(f"--products {args.products} is not valid: expected 1 to 200000")
    root = Path(args.dir)
    written = init_project(root, args.products, args.force)
    print(f"Wrote a shop project to {root}:")
    for line in written:
        print(f"  {line}")
    step = "aisle serve" if root.resolve() == Path.cwd().resolve() else f"cd {shlex.quote(str(root))} && aisle serve"
    print(f"Next: {step}   (then open http://127.0.0.1:8080; edit aisle.yml and the files above to make it yours)")
    return 0


def init_project(root: Path, products: int = 200, force: bool = False) -> list[str]:
    """Write the project into `root`; return one line per thing written. Refuses to overwrite without `force`."""
    if root.exists() and not root.is_dir():
        raise ConfigError(f"{root} is a file, not a folder: choose a folder for the project")
    copies = shipped_copies()
    targets = [CONFIG, *(c.target for c in copies), CATALOG, CATALOG.parent / "images"]
    existing = [str(t) for t in map(Path, targets) if (root / t).exists()]
    if existing and not force:
        named = ", ".join(existing[:4]) + (f" and {len(existing) - 4} more" if len(existing) > 4 else "")
        raise ConfigError(f"{root} already has {named}: nothing was written "
                          "(pass --force to overwrite them, or choose another folder)")
    for copy in copies:
        (root / copy.target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(copy.source, root / copy.target)
    _write_config(root / CONFIG)
    _write_example_catalog(root / CATALOG, products)
    policies = sum(1 for c in copies if c.target.parent.name == POLICIES)
    tests = sum(1 for c in copies if c.target.parent.name == CONVERSATIONS)
    return [f"{CONFIG:<32} the configuration: every setting with its default",
            f"{'data/' + NLU_DATA:<32} synonyms, lookups, regexes (Rasa NLU YAML); examples here replace the skills' own",
            f"{f'data/{POLICIES}/ ({policies} files)':<32} the policies quoted in answers (markdown)",
            f"{CATALOG.as_posix():<32} an example catalog of {products} products, pictures in catalog/images/",
            f"{f'tests/{CONVERSATIONS}/ ({tests} files)':<32} conversation tests that `aisle test` runs"]


def shipped_copies() -> list[Copy]:
    copies = [Copy(shipped(NLU_DATA), Path("data") / NLU_DATA)]
    copies += [Copy(p, Path("data") / POLICIES / p.name) for p in sorted(shipped(POLICIES).glob("*.md"))]
    copies += [Copy(p, Path("tests") / CONVERSATIONS / p.name) for p in sorted(shipped(CONVERSATIONS).glob("*.yml"))]
    return copies


def _write_config(path: Path) -> None:
    """The shipped aisle.yml with the project's own files filled in, comments kept; checked by loading it."""
    text = shipped(CONFIG).read_text(encoding="utf-8")
    for (section, key), value in PROJECT_PATHS.items():
        text = set_yaml_value(text, section, key, value)
    path.write_text(text, encoding="utf-8")
    config = load_config(path, environ={})
    got = {("nlu", "data"): config.nlu.data, ("policies", "dir"): config.policies.dir,
           ("catalog", "path"): config.catalog.path}
    wrong = [f"{s}.{k}" for (s, k), v in PROJECT_PATHS.items() if Path(got[(s, k)]) != path.parent.absolute() / v]
    if wrong:  # pragma: no cover - the shipped aisle.yml lost one of these keys
        raise ConfigError(f"{path}: could not set {', '.join(wrong)}; set them by hand")


def set_yaml_value(text: str, section: str, key: str, value: str) -> str:
    """Replace `section.key`'s value in YAML text line by line, keeping its comment where it was."""
    lines, inside = text.splitlines(keepends=True), False
    for number, line in enumerate(lines):
        if line.strip() and not line[0].isspace() and not line.startswith("#"):
            inside = line.split(":", 1)[0] == section
        match = _KEY_LINE.match(line) if inside else None
        if match and match["key"] == key:
            padded = f"{match['indent']}{key}: {value}"
            if match["comment"]:  # the comment stays in its column
                padded += " " * max(1, match.start("comment") - len(padded)) + match["comment"]
            lines[number] = padded + "\n"
            return "".join(lines)
    raise ConfigError(f"the shipped {CONFIG} has no {section}.{key}")  # pragma: no cover


_KEY_LINE = re.compile(r"(?P<indent>[ ]{2})(?P<key>\w+):[^#\n]*(?P<comment>#.*)?\n?")


def _write_example_catalog(path: Path, products: int) -> None:
    """The demo generator's products and pictures, as a CSV a shop can open in a spreadsheet."""
    from knowledge.catalog_io import SIZE_SEPARATOR, load_catalog
    from knowledge.demo.catalog import IMAGES_DIR, generate_demo_catalog

    images = path.parent / IMAGES_DIR
    images.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as scratch:  # the generator's own files stay out of the way
        loaded = load_catalog(generate_demo_catalog(Path(scratch), n=products)).products
        for picture in (Path(scratch) / IMAGES_DIR).iterdir():
            os.replace(picture, images / picture.name)
    extra = sorted({name for product in loaded for name in product.attributes})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*CSV_COLUMNS, *extra])
        for product in loaded:
            cells = {name: getattr(product, name) for name in CSV_COLUMNS}
            cells["sizes"] = SIZE_SEPARATOR.join(product.sizes)
            writer.writerow([*(cells[name] for name in CSV_COLUMNS), *(product.attributes.get(n, "") for n in extra)])
