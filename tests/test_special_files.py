"""Special files, endless inputs and failing writes (issue 10, causes 1, 2, 5 and 11).

Every attack asserts the exit status, a one-line message and what is on disk afterwards. The
system's own device files are never written to: character devices are made with mknod in a
temporary folder (tests needing one skip where that is not permitted), and /dev/zero is
only read. Attacks that would hang a broken build run in a subprocess with a time-out.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cleanup.cli import main
from cleanup.errors import OutputError, UsageError
from cleanup.textio import read_limited, resolve_in_place, write_atomic

from .conftest import ROOT

# A spacing rule makes the edit, so runs skip the bundled glossaries (--no-bundled): fast.
ARTEFACT = "Officials called for de -escalation after the strikes.\n"
FIXED = "Officials called for de-escalation after the strikes.\n"
ENV = dict(os.environ, PYTHONPATH=str(ROOT))
ROOTUSER = os.geteuid() == 0


def _args(args) -> list[str]:
    args = [str(a) for a in args]
    if "-g" not in args and not {"fix", "check"}.isdisjoint(args):
        args.append("--no-bundled")
    return args


def run(capsys, *args):
    code = main(_args(args))
    out, err = capsys.readouterr()
    return code, out, err


def cli(*args, timeout=60, **kwargs) -> subprocess.CompletedProcess:
    """The real command in a subprocess: an attack that hangs fails the test instead."""
    env = {k: v for k, v in ENV.items() if k != "CLEANUP_NO_CONFIG"} if "--config" in args else ENV
    return subprocess.run([sys.executable, "-m", "cleanup", *_args(args)], env=env,
                          capture_output=True, timeout=timeout, **kwargs)


def one_error(err: str | bytes, *needles: str) -> None:
    if isinstance(err, bytes):
        err = err.decode()
    assert err.startswith("cleanup: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, (needle, err)


def snapshot(folder: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every entry of a folder: its type and, for files, its bytes."""
    out = {}
    for p in sorted(folder.iterdir()):
        mode = p.lstat().st_mode
        out[p.name] = (stat.S_IFMT(mode), p.read_bytes() if stat.S_ISREG(mode) else None)
    return out


@pytest.fixture
def article(tmp_path) -> Path:
    p = tmp_path / "in.txt"
    p.write_text(ARTEFACT, encoding="utf-8")
    return p


def _char_device(path: Path, major: int, minor: int) -> None:
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(major, minor))
    except OSError as exc:
        pytest.skip(f"mknod not permitted here ({exc.strerror})")


# -- 1. special files as outputs: written as streams, never replaced --------------------------

def test_output_to_a_character_device_is_streamed_not_replaced(tmp_path, article, capsys):
    null = tmp_path / "null"  # our own null device (1, 3): the system's /dev/null is never touched
    _char_device(null, 1, 3)
    before = os.stat(null)
    code, out, err = run(capsys, "fix", article, "-o", null)
    assert code == 0 and out == "" and err == ""
    after = os.stat(null)
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt", "null"]  # no temp file left


def test_output_to_dev_null_is_not_replaced_when_mknod_is_not_permitted(tmp_path, article, capsys):
    """The fallback for machines where mknod is refused: /dev/null, checked read-only (its
    inode and type before and after). Never run as root, where a regression could replace it."""
    if ROOTUSER:
        pytest.skip("as root, test_output_to_a_character_device_is_streamed_not_replaced covers it")
    before = os.stat("/dev/null")
    assert run(capsys, "fix", article, "-o", "/dev/null")[0] == 0
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_output_to_a_fifo_is_streamed(tmp_path, article, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader is there; the text fits the pipe
    try:
        code, _, err = run(capsys, "fix", article, "-o", fifo)
        assert code == 0, err
        assert os.read(reader, 65536) == FIXED.encode()
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt", "pipe"]


def test_output_to_a_fifo_without_reader_is_an_error_not_a_hang(tmp_path, article, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, _, err = run(capsys, "fix", article, "-o", fifo)
    assert code == 2
    one_error(err, str(fifo), "no reader")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt", "pipe"]


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")
def test_output_through_a_symlink_to_stdout_is_streamed(tmp_path, article):
    link = tmp_path / "out"
    link.symlink_to("/proc/self/fd/1")  # what /dev/stdout is; ours, in a temporary folder
    done = cli("fix", article, "-o", link)
    assert done.returncode == 0, done.stderr
    assert done.stdout == FIXED.encode()
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"


def test_output_dash_is_stdout(tmp_path, article, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "fix", article, "-o", "-")
    assert code == 0 and out == FIXED
    assert not (tmp_path / "-").exists()


def test_other_special_outputs_are_refused(tmp_path, article, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a short relative name: unix socket paths are limited
    sock = socket.socket(socket.AF_UNIX)
    sock.bind("sock")
    try:
        code, _, err = run(capsys, "fix", article, "-o", "sock")
        assert code == 2
        one_error(err, "sock", "not a regular file")
        assert stat.S_ISSOCK(os.lstat("sock").st_mode)
    finally:
        sock.close()
    (tmp_path / "dir").mkdir()
    code, _, err = run(capsys, "fix", article, "-o", "dir")
    assert code == 2
    one_error(err, "dir", "is a directory")
    assert list((tmp_path / "dir").iterdir()) == []


def test_output_through_a_symlink_to_a_file_writes_the_file(tmp_path, article, capsys):
    real = tmp_path / "real.txt"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    assert run(capsys, "fix", article, "-o", link)[0] == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8") == FIXED
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "missing" / "x.txt")
    code, _, err = run(capsys, "fix", article, "-o", dangling)
    assert code == 2
    one_error(err, "symlink to a missing file")
    assert dangling.is_symlink() and not (tmp_path / "missing").exists()


def test_in_place_rewrites_regular_files_only(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match="not a regular file"):
        resolve_in_place(str(fifo))
    link = tmp_path / "link"
    link.symlink_to(fifo)
    with pytest.raises(UsageError, match="not a regular file"):
        resolve_in_place(str(link))
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


# -- 2. every input kind is read in bounded chunks: endless inputs stop at the limit ---------

@pytest.fixture
def zero_links(tmp_path) -> Path:
    """Symlinks to /dev/zero (read only) named like each kind of input."""
    folder = tmp_path / "zero"
    folder.mkdir()
    for name in ("g.toml", "config.toml", "list.txt", "x.gold.json"):
        (folder / name).symlink_to("/dev/zero")
    return folder


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("kind", ["input", "input-default-limit", "source", "list", "glossary", "config",
                                  "stdin", "gold"])
def test_endless_inputs_stop_at_the_limit(tmp_path, article, zero_links, kind):
    args, stdin, limit = {
        "input": (["fix", "/dev/zero", "--max-mb", "1"], None, "over the 1 MB limit (--max-mb)"),
        "input-default-limit": (["check", "/dev/zero"], None, "over the 64 MB limit (--max-mb)"),
        "source": (["fix", article, "--source", "/dev/zero", "--max-mb", "1"], None, "over the 1 MB limit"),
        "list": (["check", "--from-list", zero_links / "list.txt"], None, "over the 64 MB limit"),
        "glossary": (["fix", article, "-g", zero_links / "g.toml"], None, "over the 64 MB limit for data files"),
        "config": (["--config", zero_links / "config.toml", "fix", article], None, "over the 64 MB limit"),
        "stdin": (["fix", "-", "--max-mb", "1"], "zero", "over the 1 MB limit"),
        "gold": (["eval", zero_links], None, "over the 64 MB limit for gold files"),
    }[kind]
    with open("/dev/zero", "rb") as zero:
        done = cli(*args, stdin=zero if stdin else subprocess.DEVNULL)
    assert done.returncode == 2
    one_error(done.stderr, limit)


@pytest.mark.parametrize("kind", ["input", "source", "list", "glossary", "config", "gold"])
def test_fifo_with_no_writer_is_an_error_not_a_hang(tmp_path, article, kind):
    fifo = tmp_path / ("x.gold.json" if kind == "gold" else "pipe")
    os.mkfifo(fifo)
    args = {
        "input": ["check", fifo],
        "source": ["fix", article, "--source", fifo],
        "list": ["check", "--from-list", fifo],
        "glossary": ["fix", article, "-g", fifo],
        "config": ["--config", fifo, "fix", article],
        "gold": ["eval", tmp_path],
    }[kind]
    done = cli(*args, timeout=30)
    assert done.returncode == 2
    one_error(done.stderr, str(fifo), "FIFO with no writer")


def test_read_limited_reads_a_device_in_chunks(tmp_path):
    with pytest.raises(OutputError, match="over the 2 MB test limit"):
        read_limited("/dev/zero", 2 * 1024 * 1024, "the 2 MB test limit", OutputError)
    small = tmp_path / "small.txt"
    small.write_bytes(b"x" * 10)
    assert read_limited(small, 10, "a limit") == b"x" * 10


# -- 5. failing writes: a typed error, one line, nothing changed ---------------------------------

@pytest.fixture
def disk_full(monkeypatch):
    """os.write / os.fsync fail with ENOSPC for any file but stdout and stderr."""
    real_write = os.write

    def write(fd, data):
        if fd in (1, 2):
            return real_write(fd, data)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def fsync(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def use(which: str) -> None:
        if which == "write":
            monkeypatch.setattr(os, "write", write)
        else:
            monkeypatch.setattr(os, "fsync", fsync)

    return use


@pytest.mark.parametrize("which", ["write", "fsync"])
@pytest.mark.parametrize("mode", ["output", "in-place", "in-place-batch"])
def test_disk_full_changes_nothing(tmp_path, capsys, disk_full, which, mode):
    files = [tmp_path / f"a{k}.txt" for k in range(2 if mode == "in-place-batch" else 1)]
    for f in files:
        f.write_text(ARTEFACT, encoding="utf-8")
    out = tmp_path / "out.txt"
    out.write_text("previous output\n", encoding="utf-8")
    before = snapshot(tmp_path)
    disk_full(which)
    args = ["-o", out] if mode == "output" else ["--in-place"]
    code, _, err = run(capsys, "fix", *files, *args)
    assert code == 2
    assert err.count("cleanup: error: ") == len(files) == err.count("\n")
    assert "no space left on device" in err and "Traceback" not in err
    assert all(str(f if mode != "output" else out) in err for f in files)
    assert snapshot(tmp_path) == before  # no partial file, no temp file


def test_disk_full_on_a_character_device_output(tmp_path, article, capsys):
    full = tmp_path / "full"  # our own /dev/full (1, 7)
    _char_device(full, 1, 7)
    code, _, err = run(capsys, "fix", article, "-o", full)
    assert code == 2
    one_error(err, str(full), "no space left on device")
    assert stat.S_ISCHR(os.stat(full).st_mode)


def test_disk_full_on_stdout_is_exit_2(article):
    if not os.path.exists("/dev/full"):
        pytest.skip("needs /dev/full")
    with open("/dev/full", "wb") as full:  # our stdout: the path itself is never written
        done = subprocess.run([sys.executable, "-m", "cleanup", *_args(["fix", article])], env=ENV,
                              stdout=full, stderr=subprocess.PIPE, timeout=60)
    assert done.returncode == 2
    one_error(done.stderr, "no space left on device")


def test_names_over_255_bytes_and_paths_over_4096(tmp_path, article, capsys):
    long_name = tmp_path / ("x" * 256 + ".txt")
    deep = tmp_path / ("d/" * 2100 + "a.txt")
    for path, how in [(long_name, "input"), (long_name, "output"), (deep, "input"), (deep, "output")]:
        args = ["fix", path] if how == "input" else ["fix", article, "-o", path]
        code, _, err = run(capsys, *args)
        assert code == 2, (how, err)
        one_error(err, "file name too long")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt"]


def test_a_255_byte_output_name_is_written(tmp_path, article, capsys):
    name = "é" * 125 + "x.txt"  # 255 bytes in UTF-8: the temp file's name is shortened to fit
    assert len(name.encode()) == 255
    code, _, err = run(capsys, "fix", article, "-o", tmp_path / name)
    assert code == 0, err
    assert (tmp_path / name).read_text(encoding="utf-8") == FIXED
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["in.txt", name])


def _without_read_rights(*args) -> subprocess.CompletedProcess:
    """Run the CLI where file permissions apply: as root, without the capabilities that
    bypass them (setpriv); otherwise as the user."""
    prefix = []
    if ROOTUSER:
        if not shutil.which("setpriv"):
            pytest.skip("as root, needs setpriv to drop CAP_DAC_OVERRIDE")
        prefix = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]
    return subprocess.run([*prefix, sys.executable, "-m", "cleanup", *_args(args)], env=ENV,
                          capture_output=True, timeout=60)


def test_unreadable_folder(tmp_path, article):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text(ARTEFACT, encoding="utf-8")
    (locked / "g.toml").write_text('[glossary]\nlang = "en"\n', encoding="utf-8")
    locked.chmod(0)
    try:
        cases = [
            (["fix", locked / "a.txt"], "permission denied"),
            (["fix", article, "-o", locked / "out.txt"], "permission denied"),
            (["fix", article, "-g", locked / "g.toml"], "permission denied"),
            (["fix", article, "--output-dir", locked / "sub"], "permission denied"),
            (["eval", tmp_path], "cannot read the folder: permission denied"),  # not skipped silently
        ]
        for args, message in cases:
            done = _without_read_rights(*args)
            assert done.returncode == 2, (args, done.stderr)
            one_error(done.stderr, message)
    finally:
        locked.chmod(0o755)
    assert sorted(p.name for p in locked.iterdir()) == ["a.txt", "g.toml"]
    assert article.read_text(encoding="utf-8") == ARTEFACT


def test_output_dir_that_is_a_file(tmp_path, article, capsys):
    blocker = tmp_path / "out"
    blocker.write_text("a file\n", encoding="utf-8")
    before = snapshot(tmp_path)
    for target in (blocker, blocker / "sub"):
        code, _, err = run(capsys, "fix", article, "--output-dir", target)
        assert code == 2
        one_error(err, "--output-dir must be a folder", str(blocker))
    assert snapshot(tmp_path) == before


def test_non_utf8_and_control_characters_in_file_names(tmp_path, capsys):
    raw = tmp_path / os.fsdecode(b"caf\xe9.txt")  # a Latin-1 name: not UTF-8
    raw.write_text(ARTEFACT, encoding="utf-8")
    shown = "caf\\xe9.txt"
    code, out, err = run(capsys, "check", raw)
    assert code == 1 and f"{tmp_path}/{shown}:1:" in out and "Traceback" not in err
    code, out, _ = run(capsys, "fix", raw, "--diff")
    assert code == 0 and f"--- a/{tmp_path}/{shown}" in out
    code, out, _ = run(capsys, "check", raw, "--format", "json")
    assert code == 1 and json.loads(out)["results"][0]["path"] == f"{tmp_path}/{shown}"
    assert run(capsys, "fix", raw, "--in-place")[0] == 0
    assert raw.read_text(encoding="utf-8") == FIXED
    newline = tmp_path / "two\nlines.txt"
    newline.write_text(ARTEFACT, encoding="utf-8")
    code, out, _ = run(capsys, "check", newline)
    assert code == 1 and out.count("\n") == 1 and "two\\x0alines.txt:1:" in out


@pytest.mark.parametrize("suffix", ["/../x", "/x", ""])
def test_backup_suffix_is_a_suffix(tmp_path, article, capsys, suffix):
    before = snapshot(tmp_path)
    code, _, err = run(capsys, "fix", article, "--in-place", "--backup", suffix)
    assert code == 2
    one_error(err, "--backup")
    assert snapshot(tmp_path) == before


# -- 11. ownership and modes ------------------------------------------------------------------

@pytest.mark.skipif(not ROOTUSER, reason="changing a file's owner needs root")
def test_in_place_as_root_keeps_owner_group_and_mode(tmp_path, article, capsys):
    os.chown(article, 65534, 65534)  # nobody:nogroup
    article.chmod(0o640)
    assert run(capsys, "fix", article, "--in-place")[0] == 0
    info = os.stat(article)
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (65534, 65534, 0o640)
    assert article.read_text(encoding="utf-8") == FIXED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt"]


def test_owner_that_cannot_be_kept_is_an_error(tmp_path, article, capsys, monkeypatch):
    info = os.stat(article)
    if ROOTUSER:
        os.chown(article, 65534, 65534)
    elif info.st_gid == os.getegid():
        pytest.skip("needs a file this user does not own, or root")

    def refuse(fd, uid, gid):
        raise PermissionError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(os, "fchown", refuse)  # what an ordinary user gets
    code, _, err = run(capsys, "fix", article, "--in-place")
    assert code == 2
    one_error(err, str(article), "cannot keep its owner")
    assert article.read_text(encoding="utf-8") == ARTEFACT
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt"]


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_new_output_files_follow_the_umask(tmp_path, article, capsys, umask, mode):
    old = os.umask(umask)
    try:
        assert run(capsys, "fix", article, "-o", tmp_path / "new.txt")[0] == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.txt").st_mode) == mode


def test_read_only_files_are_not_rewritten(tmp_path, article, capsys):
    article.chmod(0o444)
    out = tmp_path / "out.txt"
    out.write_text("old\n", encoding="utf-8")
    out.chmod(0o444)
    for args in (["--in-place"], ["-o", out]):
        code, _, err = run(capsys, "fix", article, *args)
        assert code == 2
        one_error(err, "read-only file (mode 0444)")
    assert article.read_text(encoding="utf-8") == ARTEFACT and out.read_text(encoding="utf-8") == "old\n"
    assert stat.S_IMODE(os.stat(article).st_mode) == 0o444


def test_in_place_replaces_the_file_other_hard_links_keep_the_old_text(tmp_path, article, capsys):
    """Documented in the README: --in-place writes a new file (atomic rename), so another hard
    link to the old file still holds the old text."""
    other = tmp_path / "other.txt"
    os.link(article, other)
    assert run(capsys, "fix", article, "--in-place")[0] == 0
    assert article.read_text(encoding="utf-8") == FIXED
    assert other.read_text(encoding="utf-8") == ARTEFACT
    assert os.stat(article).st_nlink == 1


def test_a_new_file_written_like_another_takes_its_mode(tmp_path):
    original = tmp_path / "a.txt"
    original.write_text("x", encoding="utf-8")
    original.chmod(0o600)
    write_atomic(tmp_path / "a.txt.orig", b"x", like=original)
    assert stat.S_IMODE(os.stat(tmp_path / "a.txt.orig").st_mode) == 0o600


# -- 5. unexpected exceptions: one line, exit 3, the batch goes on ----------------------------

@pytest.mark.parametrize("jobs", ["1", "2"])
def test_unexpected_exception_is_one_line_exit_3_and_the_batch_goes_on(tmp_path, capsys, monkeypatch, jobs):
    import multiprocessing

    from cleanup.pipeline import Cleaner

    if jobs != "1" and multiprocessing.get_start_method() != "fork":
        pytest.skip("the patched Cleaner reaches worker processes only when they are forked")
    real_fix = Cleaner.fix

    def fix(self, text, *args, **kwargs):
        if "boom" in text:
            raise RuntimeError("a bug")
        return real_fix(self, text, *args, **kwargs)

    monkeypatch.setattr(Cleaner, "fix", fix)  # worker processes are forked: they see it too
    files = []
    for k, text in enumerate([ARTEFACT, "boom " + ARTEFACT, ARTEFACT]):
        files.append(tmp_path / f"a{k}.txt")
        files[-1].write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "fix", *files, "--output-dir", tmp_path / "out", "-j", jobs)
    assert code == 3
    assert err == f"cleanup: internal error: {files[1]}: RuntimeError: a bug\n"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a0.txt", "a2.txt"]


def test_unexpected_exception_outside_a_batch_is_one_line(capsys, monkeypatch, article):
    from cleanup.cli import commands

    def broken(*args, **kwargs):
        raise ValueError("first line\nsecond line")

    monkeypatch.setattr(commands, "configure", broken)
    code, _, err = run(capsys, "check", article)
    assert code == 3
    assert err == "cleanup: internal error: ValueError: first line second line\n"
