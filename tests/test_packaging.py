"""Packaging: where the knowledge base is found, no success over missing data, extras, metadata, the wheel's contents.

Fast and without network; the one test that builds the wheel does it without build isolation (hatchling is a test
dependency) and is skipped when hatchling is not installed.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from allegiance import __version__, cli, paths
from allegiance.cli import main
from allegiance.paths import Layout, MissingData

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCK = ROOT / "requirements" / "ci.lock"
KB_PARTS = ("ontology", "instances", "shapes", "queries")
EXTRA_MODULES = ("owlready2", "pyshacl", "matplotlib", "networkx")


@pytest.fixture(autouse=True)
def _no_explicit_locations(monkeypatch):
    monkeypatch.delenv(paths.HOME_ENV, raising=False)
    monkeypatch.delenv(paths.SOURCES_ENV, raising=False)
    paths.configure()
    yield
    paths.configure()


def _copy_kb(dest: Path, parts: tuple[str, ...] = KB_PARTS) -> Path:
    for part in parts:
        shutil.copytree(ROOT / part, dest / part)
    return dest


# --- where the knowledge base is found -----------------------------------------------------------------------------

def test_the_checkout_is_found_when_nothing_is_named():
    assert paths.find_home() == (ROOT, "checkout")
    assert paths.default_layout().home == ROOT


def test_an_explicit_home_comes_first(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.HOME_ENV, str(tmp_path))
    assert paths.find_home() == (tmp_path.resolve(), "explicit")
    other = tmp_path / "other"
    paths.configure(home=other)  # --home wins over the environment
    assert paths.find_home() == (other.resolve(), "explicit")


def test_the_packaged_copy_comes_after_the_checkout(monkeypatch, tmp_path):
    package = tmp_path / "allegiance"
    (package / "data" / "ontology").mkdir(parents=True)
    monkeypatch.setattr(paths.importlib.resources, "files", lambda name: package)
    assert paths.packaged_home() == package / "data"
    assert paths.find_home()[1] == "checkout"
    monkeypatch.setattr(paths, "checkout_home", lambda: None)
    assert paths.find_home() == (package / "data", "package")
    monkeypatch.setattr(paths, "packaged_home", lambda: None)
    with pytest.raises(MissingData, match="--home"):
        paths.find_home()


def test_the_checkout_has_no_packaged_copy():
    """In a checkout the data is read where it is edited; only the wheel has allegiance/data."""
    assert paths.packaged_home() is None


def test_sources_beside_the_home_unless_named(monkeypatch, tmp_path):
    assert Layout(tmp_path / "kb").sources == (tmp_path / "shared" / "sources").resolve()
    monkeypatch.setenv(paths.SOURCES_ENV, str(tmp_path / "env"))
    assert Layout(tmp_path / "kb").sources == (tmp_path / "env").resolve()
    paths.configure(sources=tmp_path / "opt")
    assert Layout(tmp_path / "kb").sources == (tmp_path / "opt").resolve()
    assert Layout(tmp_path / "kb", sources_dir=tmp_path / "own").sources == tmp_path / "own"


# --- no success over missing data -----------------------------------------------------------------------------------

def test_a_layout_over_an_empty_folder_raises_naming_the_folder(tmp_path):
    layout = Layout(tmp_path)
    with pytest.raises(MissingData, match=re.escape(str(tmp_path / "ontology"))) as info:
        layout.ontology_files()
    assert info.value.folder == tmp_path / "ontology"
    (tmp_path / "ontology").mkdir()
    with pytest.raises(MissingData, match=re.escape(str(tmp_path / "ontology")) + ".* no \\*.ttl"):
        layout.ontology_files()
    (tmp_path / "ontology" / "o.ttl").write_text("")
    assert layout.ontology_files() == [tmp_path / "ontology" / "o.ttl"]
    (tmp_path / "instances").mkdir()
    with pytest.raises(MissingData, match=re.escape(str(tmp_path / "instances"))):
        layout.instance_files()
    # shapes and queries are optional for the files' listings, and required on demand
    assert layout.shape_files() == [] and layout.query_files() == []
    with pytest.raises(MissingData, match=re.escape(str(tmp_path / "queries"))):
        layout.require("queries")
    with pytest.raises(MissingData, match="--sources DIR or set ALLEGIANCE_SOURCES"):
        layout.require("sources")


@pytest.mark.parametrize("argv", [
    ["--home", "{home}", "query", "--list"],
    ["query", "--list", "--home", "{home}"],
    ["--home", "{home}", "serve", "--port", "1"],
    ["infer", "--home", "{home}"],
    ["check", "--no-reasoner", "--home", "{home}"],
])
def test_the_cli_exits_2_naming_the_missing_folder(argv, tmp_path, capsys):
    home = tmp_path / "empty"
    home.mkdir()
    assert main([a.format(home=home) for a in argv]) == 2
    err = capsys.readouterr().err
    assert str(home / "ontology") in err


def test_the_environment_names_the_home_too(monkeypatch, tmp_path, capsys):
    _copy_kb(tmp_path, ("ontology",))
    monkeypatch.setenv(paths.HOME_ENV, str(tmp_path))
    assert main(["query", "--list"]) == 2
    assert str(tmp_path / "instances") in capsys.readouterr().err


def test_query_list_without_queries_is_an_error_not_an_empty_list(tmp_path, capsys):
    _copy_kb(tmp_path, ("ontology", "instances"))
    assert main(["--home", str(tmp_path), "query", "--list"]) == 2
    assert str(tmp_path / "queries") in capsys.readouterr().err


@pytest.mark.skipif(any(importlib.util.find_spec(m) is None for m in ("owlready2", "pyshacl")),
                    reason="the [check] extra is not installed")
def test_check_without_the_sources_exits_2_naming_them(tmp_path, capsys):
    home = _copy_kb(tmp_path / "kb", ("ontology", "instances", "shapes"))
    assert main(["check", "--no-reasoner", "--home", str(home)]) == 2
    captured = capsys.readouterr()
    assert str(tmp_path / "shared" / "sources") in captured.err and "PASS" not in captured.out
    empty = tmp_path / "no-sources"
    empty.mkdir()
    assert main(["check", "--no-reasoner", "--home", str(home), "--sources", str(empty)]) == 2
    assert str(empty) in capsys.readouterr().err


def test_check_without_java_says_so(monkeypatch, capsys):
    monkeypatch.setattr(cli.shutil, "which", lambda name: None)
    monkeypatch.setitem(cli.NEEDS, "check", ())
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert "Java" in err and "--no-reasoner" in err


# --- extras ---------------------------------------------------------------------------------------------------------

def test_a_command_whose_extra_is_missing_names_the_extra(monkeypatch, capsys):
    monkeypatch.setitem(cli.EXTRAS, "check", ("check", ("allegiance_no_such_module",)))
    assert main(["check", "--no-reasoner", "--whatever"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'allegiance[check]'" in err and "allegiance_no_such_module" in err and "Java" in err


def test_serving_and_querying_import_no_extra():
    """The modules of serve, query and infer import without the [check] and [plots] packages (a fresh interpreter
    in which importing them fails), and the command line still offers every command."""
    code = f"""
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {EXTRA_MODULES!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
sys.meta_path.insert(0, Block())
import importlib.util
importlib.util.find_spec = lambda name, package=None: None if name in {EXTRA_MODULES!r} else _find(name, package)
"""
    code = "import importlib.util\n_find = importlib.util.find_spec\n" + code + """
for module in ("allegiance.web.app", "allegiance.cli.serve", "allegiance.cli.query", "allegiance.cli.infer",
               "allegiance.store", "allegiance.sparql.canned"):
    importlib.import_module(module)
from allegiance.cli import build_parser, main
help_text = build_parser().format_help()
assert "needs the [check] extra" in help_text and "needs the [plots] extra" in help_text, help_text
assert main(["plot", "network"]) == 2
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "pip install 'allegiance[plots]'" in done.stderr


# --- metadata -------------------------------------------------------------------------------------------------------

def test_dependencies_are_ranges_and_the_version_is_written_once():
    project = PYPROJECT["project"]
    assert "version" not in project and project["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "src/allegiance/__init__.py"
    assert project["requires-python"] == ">=3.11"
    assert project["license"] == "MIT AND CC-BY-4.0"
    assert all((ROOT / f).is_file() for f in project["license-files"])
    deps = project["dependencies"]
    assert not [d for d in deps if "==" in d.split(";")[0]]
    names = {re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0].lower() for d in deps}
    assert {"rdflib", "pyoxigraph", "starlette", "uvicorn", "jinja2", "pyyaml"} <= names
    assert not names & {"owlready2", "pyshacl", "matplotlib", "networkx"}
    assert not [d for d in deps if d.startswith("uvicorn[")]
    extras = project["optional-dependencies"]
    assert {"check", "plots", "test", "bench"} <= set(extras)
    assert (ROOT / "src" / "allegiance" / "py.typed").is_file()


def test_the_lock_pins_every_dependency():
    pins = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, sep, version = line.partition("==")
            assert sep and version, f"not an exact pin: {line!r}"
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    project = PYPROJECT["project"]
    wanted = [*project["dependencies"], *(d for deps in project["optional-dependencies"].values() for d in deps)]
    for requirement in wanted:
        name = re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]
        if name.lower() == "allegiance":
            continue
        assert re.sub(r"[-_.]+", "-", name).lower() in pins, f"{name} is not in {LOCK.name}"


def test_the_cli_reports_the_one_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"allegiance {__version__}"


# --- the wheel ------------------------------------------------------------------------------------------------------

@pytest.mark.skipif(importlib.util.find_spec("hatchling") is None, reason="hatchling (a [test] dependency) missing")
def test_the_wheel_ships_the_knowledge_base_and_the_licences(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check",
                           "--no-deps", "--no-build-isolation", "--no-index", "-w", str(tmp_path), str(ROOT)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("allegiance-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        metadata = z.read(f"allegiance-{__version__}.dist-info/METADATA").decode()
    for part, pattern in paths.PARTS.items():
        shipped = {n.rsplit("/", 1)[1] for n in names if n.startswith(f"allegiance/data/{part}/")}
        in_repo = {p.name for p in (ROOT / part).glob(pattern)}
        assert in_repo and in_repo <= shipped, part
    assert "allegiance/py.typed" in names and "allegiance/paths.py" in names
    assert {f"allegiance-{__version__}.dist-info/licenses/{f}" for f in ("LICENSE", "LICENSE-DATA")} <= names
    assert f"Version: {__version__}" in metadata
    assert "License-Expression: MIT AND CC-BY-4.0" in metadata
    assert "Requires-Python: >=3.11\n" in metadata
    core = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert core and not [line for line in core if re.search(r"owlready2|pyshacl|matplotlib|networkx", line)]
