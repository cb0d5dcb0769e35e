"""The pinned environment: one source of pins, mirrored by environment.yml, and really installed."""

import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;#]+)")
REQUIRED = {
    "jupyterlab",
    "numpy",
    "tensorflow",
    "keras",
    "matplotlib",
    "ipywidgets",
    "nbgrader",
    "pytest",
    "playwright",
}


def pins_of(lines):
    found = {}
    for line in lines:
        match = PIN.match(line.strip())
        if match:
            found[match[1].lower()] = match[2]
    return found


def requirement_pins():
    return pins_of((ROOT / "requirements.txt").read_text().splitlines())


def test_every_requirement_is_pinned_exactly():
    lines = [l.strip() for l in (ROOT / "requirements.txt").read_text().splitlines()]
    entries = [l for l in lines if l and not l.startswith("#")]
    assert entries and all(PIN.match(l) for l in entries), "use name==version for every line"
    assert REQUIRED <= set(requirement_pins())


def test_environment_yml_mirrors_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pins_of(pip_section) == requirement_pins() and "-e ." in pip_section
    binder = yaml.safe_load((ROOT / "binder" / "environment.yml").read_text())
    binder_pip = next(d["pip"] for d in binder["dependencies"] if isinstance(d, dict))
    assert pins_of(binder_pip) == requirement_pins() and "python=3.11" in binder["dependencies"]
    assert "pip install --no-deps -e ." in (ROOT / "binder" / "postBuild").read_text()


def test_constraints_lock_agrees_with_the_pins():
    lock = pins_of((ROOT / "constraints.txt").read_text().splitlines())
    for name, version in requirement_pins().items():
        assert lock.get(name) == version, (
            f"{name}: constraints.txt has {lock.get(name)}; run make lock"
        )


def test_installed_versions_are_the_pinned_ones():
    for name, version in requirement_pins().items():
        assert importlib.metadata.version(name) == version, name
    assert sys.version_info[:2] == (3, 11)


def test_course_package_is_importable_from_anywhere(tmp_path):
    out = subprocess.run(
        [sys.executable, "-c", "import utils.data, utils.nn; print(utils.data.DIGITS_FILE)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(out.stdout.strip()) == ROOT / "data" / "digits.npz"
