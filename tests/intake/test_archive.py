"""Zips of submissions (autograder.intake.archive): only safe notebook members, under caps.

Zip bombs, forged sizes, endless streams, links, path traversal and too many members.
"""

from __future__ import annotations

import os
import stat
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder import intake
from autograder.catalogue import solved
from autograder.intake import LIMITS, Limits
from tests.intake.helpers import ASSIGNMENT, NAME, on_disk, within


def notebook_bytes() -> bytes:
    return nbformat.writes(solved()).encode()


def extracted_files(folder: Path) -> list[str]:
    found = []
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root) / name
            assert not path.is_symlink(), path
            if name in files:
                found.append(str(path.relative_to(folder)))
    return sorted(found)


def test_a_folder_is_used_as_it_is(class_dir, tmp_path):
    assert intake.unpack(class_dir, tmp_path / "scratch") == class_dir


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    (tmp_path / "class.zip").write_text("not a zip")
    with pytest.raises(SystemExit, match="neither a folder nor a zip"):
        intake.unpack(tmp_path / "class.zip", tmp_path / "scratch")


def test_only_notebooks_are_extracted_and_a_wrapping_folder_is_unwrapped(tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"export/ann/{ASSIGNMENT}/{NAME}", notebook_bytes())
        zf.writestr(f"export/José Núñez/{ASSIGNMENT}/{NAME}", notebook_bytes())
        zf.writestr(f"export/ann/{ASSIGNMENT}/timestamp.txt", "2020-01-01")
        zf.writestr(f"export/ann/{ASSIGNMENT}/keras.py", "raise SystemExit")
        zf.writestr(f"export/ann/{ASSIGNMENT}/.ipynb_checkpoints/x.ipynb", "{}")
        zf.writestr(f"__MACOSX/export/ann/{ASSIGNMENT}/._{NAME}", b"\0\5\26\7")
    scratch = tmp_path / "scratch"
    (scratch / "unzipped" / "stale").mkdir(parents=True)
    folder = intake.unpack(archive, scratch)
    assert folder == scratch / "unzipped" / "export"
    assert extracted_files(scratch / "unzipped") == [
        f"export/José Núñez/{ASSIGNMENT}/{NAME}",
        f"export/ann/{ASSIGNMENT}/{NAME}",
    ]
    assert [s.student for s in intake.find(folder, ASSIGNMENT)] == ["José Núñez", "ann"]


def test_unsafe_zip_members_are_skipped(tmp_path):
    archive = tmp_path / "class.zip"
    link = zipfile.ZipInfo(f"eve/{ASSIGNMENT}/{NAME}")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    fifo = zipfile.ZipInfo(f"fay/{ASSIGNMENT}/{NAME}")
    fifo.external_attr = (stat.S_IFIFO | 0o644) << 16
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"ann/{ASSIGNMENT}/{NAME}", notebook_bytes())
        zf.writestr(link, "/etc/passwd")
        zf.writestr(fifo, "{}")
        zf.writestr(f"../escaped-{tmp_path.name}.ipynb", "{}")
        zf.writestr(f"ann/../../escaped2-{tmp_path.name}.ipynb", "{}")
        zf.writestr(f"ann\\..\\..\\escaped3-{tmp_path.name}.ipynb", "{}")
        zf.writestr(f"/tmp/absolute-{tmp_path.name}.ipynb", "{}")
        zf.writestr(f"bob/{ASSIGNMENT}/{'n' * 300}.ipynb", "{}")
        zf.writestr(f"bob/{ASSIGNMENT}/dir.ipynb/", "")
    scratch = tmp_path / "scratch"
    folder = intake.unpack(archive, scratch)
    assert extracted_files(scratch) == [f"unzipped/ann/{ASSIGNMENT}/{NAME}"]
    assert folder == scratch / "unzipped"
    assert not list(tmp_path.parent.glob(f"escaped*-{tmp_path.name}.ipynb"))
    assert (
        not list(tmp_path.glob("escaped*"))
        and not Path(f"/tmp/absolute-{tmp_path.name}.ipynb").exists()
    )


def test_a_zip_bomb_is_not_extracted_and_quickly(tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"ann/{ASSIGNMENT}/{NAME}", notebook_bytes())
        with zf.open(f"eve/{ASSIGNMENT}/{NAME}", "w", force_zip64=True) as member:
            zeros = bytes(2**20)
            for _ in range(300):
                member.write(zeros)
    assert archive.stat().st_size < 2 * 2**20
    scratch = tmp_path / "scratch"
    start = time.perf_counter()
    with within(30):
        intake.unpack(archive, scratch)
    assert time.perf_counter() - start < 5
    assert extracted_files(scratch) == [f"unzipped/ann/{ASSIGNMENT}/{NAME}"]
    assert on_disk(scratch) < LIMITS.file_bytes


def test_a_member_compressed_more_than_the_ratio_is_not_extracted(tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"ann/{ASSIGNMENT}/{NAME}", notebook_bytes())
        zf.writestr(f"eve/{ASSIGNMENT}/{NAME}", bytes(5 * 2**20))  # under the size cap
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo(f"eve/{ASSIGNMENT}/{NAME}")
        assert info.file_size > LIMITS.zip_ratio * info.compress_size
    scratch = tmp_path / "scratch"
    intake.unpack(archive, scratch)
    assert extracted_files(scratch) == [f"unzipped/ann/{ASSIGNMENT}/{NAME}"]


def forge_declared_size(archive: Path, member: str, size: int) -> None:
    """Rewrite the uncompressed size of ``member`` in its local and central headers."""
    data = bytearray(archive.read_bytes())
    name = member.encode()
    for signature, offset, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at : at + name_at + len(name)] == name:
                data[at + offset : at + offset + 4] = size.to_bytes(4, "little")
            at = data.find(signature, at + 1)
    archive.write_bytes(bytes(data))


def test_a_forged_small_size_never_writes_more_than_it_declares(tmp_path):
    archive = tmp_path / "class.zip"
    bomb = f"eve/{ASSIGNMENT}/{NAME}"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"ann/{ASSIGNMENT}/{NAME}", notebook_bytes())
        zf.writestr(bomb, bytes(50 * 2**20))
    forge_declared_size(archive, bomb, 4096)
    with zipfile.ZipFile(archive) as zf:
        assert zf.getinfo(bomb).file_size == 4096
    scratch = tmp_path / "scratch"
    with within(30):
        intake.unpack(archive, scratch)
    assert extracted_files(scratch) == [f"unzipped/ann/{ASSIGNMENT}/{NAME}"]
    assert on_disk(scratch) < len(notebook_bytes()) + 4096


class EndlessStream:
    """What zipfile would return if it trusted a member's data instead of its declared size."""

    def __init__(self):
        self.given = 0

    def read(self, n=-1):
        n = 2**20 if n is None or n < 0 else n
        self.given += n
        return b"0" * n

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_the_stream_cap_holds_even_if_the_data_never_ends(tmp_path, monkeypatch):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"eve/{ASSIGNMENT}/{NAME}", "{}")
    streams = []
    monkeypatch.setattr(
        zipfile.ZipFile,
        "open",
        lambda self, info, *a, **k: streams.append(EndlessStream()) or streams[-1],
    )
    scratch = tmp_path / "scratch"
    limits = Limits(file_bytes=3 * 2**20, zip_ratio=10**9)
    with within(30):
        intake.unpack(archive, scratch, limits=limits)
    assert extracted_files(scratch) == []
    assert streams[0].given <= limits.file_bytes + 2**20 + 1
    with pytest.raises(SystemExit, match="more than"), within(30):
        intake.unpack(
            archive,
            scratch,
            limits=Limits(file_bytes=3 * 2**20, zip_ratio=10**9, class_bytes=2**20),
        )
    assert on_disk(scratch) <= 2**20


def test_a_zip_with_too_many_members_is_refused(tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i in range(6):
            zf.writestr(f"s{i}/{ASSIGNMENT}/{NAME}", "{}")
    with pytest.raises(SystemExit, match="more than 5 members"):
        intake.unpack(archive, tmp_path / "scratch", limits=Limits(zip_members=5))
    assert intake.unpack(archive, tmp_path / "scratch", limits=Limits(zip_members=6))


def test_a_zip_declaring_more_notebooks_than_the_class_limit_is_refused(tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"ann/{ASSIGNMENT}/{NAME}", "x" * 600)
        zf.writestr(f"bob/{ASSIGNMENT}/{NAME}", "x" * 600)
        zf.writestr("video.mp4", "x" * 5000)  # never extracted: not counted
    with pytest.raises(SystemExit, match="allowed for a class"):
        intake.unpack(archive, tmp_path / "scratch", limits=Limits(class_bytes=1000))
    intake.unpack(archive, tmp_path / "scratch", limits=Limits(class_bytes=1200))
    assert len(extracted_files(tmp_path / "scratch")) == 2


def test_a_student_folder_in_a_zip_without_a_notebook_is_still_a_student(tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("class/ann/assignment_digits/", "")
        zf.writestr("class/bob/assignment_digits/notes.txt", "no notebook here")
        zf.writestr("class/cid/assignment_digits/assignment_digits.ipynb", "{}")
    folder = intake.unpack(archive, tmp_path / "scratch")
    assert [s.student for s in intake.find(folder, ASSIGNMENT)] == ["ann", "bob", "cid"]
    assert not (folder / "bob" / ASSIGNMENT / "notes.txt").exists()
