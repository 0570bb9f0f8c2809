"""Translation model layouts (OPUS-MT, Argos, NLLB-200/M2M-100) and a local registry.

Nothing here imports ctranslate2: detection only reads files.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from cleanup.datafile import parse_json
from cleanup.errors import ModelError
from cleanup.textio import display, read_limited

LAYOUTS = ("opus", "argos", "nllb")
REGISTRY_FILE = "cleanup-model.json"
OPUS_SPM = ("source.spm", "target.spm")
NLLB_SPM = "sentencepiece.bpe.model"
ARGOS_SPM = "sentencepiece.model"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$")
NOT_LANGS = frozenset({"mt", "nmt", "ct", "hf", "big", "tc", "bpe", "spm", "fp", "gpu", "cpu"})
NLLB_CODES = {
    "ar": "arb_Arab", "de": "deu_Latn", "en": "eng_Latn", "es": "spa_Latn",
    "fr": "fra_Latn", "hi": "hin_Deva", "it": "ita_Latn", "ja": "jpn_Jpan",
    "ko": "kor_Hang", "nl": "nld_Latn", "pl": "pol_Latn", "pt": "por_Latn",
    "ru": "rus_Cyrl", "tr": "tur_Latn", "uk": "ukr_Cyrl", "ur": "urd_Arab",
    "zh": "zho_Hans",
}
# Zip limits, checked on the archive's directory before anything is decompressed: at most
# MAX_ZIP_MEMBERS members and MAX_ZIP_BYTES in all; past RATIO_FLOOR bytes a member, and the
# whole archive, may expand at most MAX_ZIP_RATIO times (real models compress 1-5x; a zip bomb
# ~1000x). The test model's one-hot weights (6 MB at 580x) stay under the floor.
MAX_ZIP_BYTES = 8 * 1024**3
MAX_ZIP_MEMBERS = 10_000
MAX_ZIP_RATIO = 100
RATIO_FLOOR = 64 * 1024**2
MAX_JSON_BYTES = 64 * 1024**2  # metadata, config and vocabulary files
VOCABS = ("shared_vocabulary", "source_vocabulary", "target_vocabulary")


@dataclass(frozen=True)
class ModelInfo:
    """What the tokenizer and the translator need to know about one model.

    Tokenization rule: source = source_prefix(src) + spm pieces (+ "</s>" when
    append_eos); decoding is forced with target_prefix_for(tgt), which is
    stripped from the output again.
    """

    name: str
    path: Path
    layout: str
    src: str | None
    tgt: str | None
    multilingual: bool
    size_bytes: int
    model_dir: Path
    source_spm: Path
    target_spm: Path
    append_eos: bool
    config_add_source_eos: bool
    target_prefix: tuple[str, ...] = ()
    lang_token_style: str | None = None
    languages: tuple[str, ...] = field(default=(), compare=False)

    def source_prefix(self, src: str | None = None) -> list[str]:
        """Tokens put before the source pieces (NLLB/M2M source language)."""
        lang = src or self.src
        if self.lang_token_style == "nllb" and lang:
            return [nllb_code(lang)]
        if self.lang_token_style == "m2m" and lang:
            return [f"__{lang}__"]
        return []

    def target_prefix_for(self, tgt: str | None = None) -> list[str]:
        """Tokens forced at the start of the decoder, stripped from the output."""
        lang = tgt or self.tgt
        if self.lang_token_style == "nllb":
            if not lang:
                raise ModelError(f"{self.path}: multilingual model needs a target language")
            return [nllb_code(lang)]
        if self.lang_token_style == "m2m":
            if not lang:
                raise ModelError(f"{self.path}: multilingual model needs a target language")
            return [f"__{lang}__"]
        return list(self.target_prefix)

    def supports(self, src: str, tgt: str) -> bool:
        """True when this model can translate src -> tgt."""
        if not self.multilingual:
            return (self.src, self.tgt) == (src, tgt)
        if not self.languages:
            return True
        codes = set(self.languages)
        return all(_lang_token(self.lang_token_style, lang) in codes for lang in (src, tgt))



def nllb_code(lang: str) -> str:
    """NLLB-200 language token for an ISO 639-1 code ("fr" -> "fra_Latn")."""
    if "_" in lang:
        return lang
    return NLLB_CODES.get(lang, f"{lang}_Latn")


def _lang_token(style: str | None, lang: str) -> str:
    return nllb_code(lang) if style == "nllb" else f"__{lang}__"


# ------------------------------------------------------------------ reading


def _parse_json(raw: bytes, where: str) -> Any:
    return parse_json(raw, where, ModelError)


def _read_bytes(path: Path) -> bytes:
    return read_limited(path, MAX_JSON_BYTES, f"the {MAX_JSON_BYTES >> 20} MB limit for model "
                        "metadata and vocabularies", ModelError)


def _read_json(path: Path) -> Any:
    return _parse_json(_read_bytes(path), display(path))


def _read_config(model_dir: Path) -> dict[str, Any]:
    path = model_dir / "config.json"
    if not path.is_file():
        raise ModelError(f"{model_dir}: config.json is missing; not a CTranslate2 model folder")
    config = _read_json(path)
    if not isinstance(config, dict):
        raise ModelError(f"{path}: expected a JSON object")
    return config


def _vocab_files(model_dir: Path) -> list[Path]:
    return [model_dir / f"{n}.{e}" for n in VOCABS for e in ("json", "txt")
            if (model_dir / f"{n}.{e}").is_file()]


def _read_vocab(path: Path) -> tuple[str, ...]:
    """The tokens of a vocabulary file (JSON list or one token a line); ModelError when it
    cannot be read, is not UTF-8 or is empty. Parsed once per file version."""
    info = path.stat()
    return _parse_vocab(str(path), info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=16)
def _parse_vocab(path: str, _mtime: int, _size: int) -> tuple[str, ...]:
    raw = _read_bytes(Path(path))
    if path.endswith(".json"):
        tokens = _parse_json(raw, display(path))
        if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
            raise ModelError(f"{display(path)}: expected a JSON list of tokens")
    else:
        try:
            tokens = raw.decode("utf-8").splitlines()
        except UnicodeDecodeError as exc:
            raise ModelError(f"{display(path)}: not UTF-8 (byte {exc.start})") from None
    if not tokens:
        raise ModelError(f"{display(path)}: empty vocabulary")
    return tuple(tokens)


def _check_ct2_folder(model_dir: Path) -> dict[str, Any]:
    """Everything CTranslate2 needs, checked before use: model.bin, config.json (a JSON
    object) and readable vocabularies, shared or one per side. Returns the config."""
    model_bin = model_dir / "model.bin"
    if not model_bin.is_file() or model_bin.stat().st_size == 0:
        raise ModelError(f"{display(model_dir)}: model.bin is missing or empty; not a CTranslate2 "
                         "model folder")
    config = _read_config(model_dir)
    found = {p.stem for p in _vocab_files(model_dir)}
    if "shared_vocabulary" not in found:
        missing = [f"{n}.json" for n in VOCABS[1:] if n not in found]
        if len(missing) == 2:
            raise ModelError(f"{display(model_dir)}: no vocabulary next to model.bin "
                             "(shared_vocabulary.json, or source_ and target_vocabulary.json)")
        if missing:
            raise ModelError(f"{display(model_dir)}: {missing[0]} is missing (a model with a "
                             "source vocabulary needs a target vocabulary too)")
    for path in _vocab_files(model_dir):
        _read_vocab(path)
    return config


def _folder_size(path: Path) -> int:
    """Bytes under ``path`` (symlinks followed); ModelError for a dangling symlink or a
    symlink loop, before anything is copied or loaded."""
    total = 0

    def visit(folder: Path, parents: frozenset[tuple[int, int]]) -> None:
        nonlocal total
        try:
            info = folder.stat()
            entries = sorted(folder.iterdir())
        except OSError as exc:
            raise ModelError(f"{display(folder)}: cannot read the model folder ({exc.strerror})") from None
        key = (info.st_dev, info.st_ino)
        if key in parents:
            raise ModelError(f"{display(folder)}: symlink loop in the model folder")
        for entry in entries:
            try:
                info = entry.stat()
            except OSError:
                raise ModelError(f"{display(entry)}: dangling symlink in the model folder") from None
            if stat.S_ISDIR(info.st_mode):
                visit(entry, parents | {key})
            else:
                total += info.st_size

    visit(path, frozenset())
    return total


def _pair_from_name(name: str) -> tuple[str | None, str | None]:
    parts = re.split(r"[-_.]", name.lower())
    for a, b in zip(parts, parts[1:]):
        if all(re.fullmatch(r"[a-z]{2,3}", x) and x not in NOT_LANGS for x in (a, b)):
            return a, b
    return None, None


def _lang_tokens(model_dir: Path) -> tuple[str | None, tuple[str, ...]]:
    """Language-token style ("nllb"/"m2m") and the tokens found in the vocabulary."""
    nllb = re.compile(r"^[a-z]{3}_[A-Z][a-z]{3}$")
    m2m = re.compile(r"^__[a-z]{2,3}__$")
    for path in _vocab_files(model_dir):
        tokens = _read_vocab(path)
        found = tuple(t for t in tokens if nllb.match(t))
        if found:
            return "nllb", found
        found = tuple(t for t in tokens if m2m.match(t))
        if found:
            return "m2m", found
    return None, ()


# ---------------------------------------------------------------- detection


def detect_layout(path: str | Path, src: str | None = None, tgt: str | None = None,
                  name: str | None = None) -> ModelInfo:
    """Recognise an OPUS-MT, Argos or NLLB/M2M CTranslate2 model at `path`."""
    root = Path(path).expanduser()
    kind = _kind(root)
    if kind is None:
        raise ModelError(f"{display(root)}: model path does not exist")
    if kind == "file":
        return _detect_zip(root, src, tgt, name)
    if kind != "dir":
        raise ModelError(f"{display(root)}: not a model folder or a model zip")
    meta = _registry_meta(root)
    if meta:
        return _detect_registered(root, meta)
    if (root / "metadata.json").is_file() and (root / "model").is_dir():
        return _detect_argos(root, src, tgt, name)
    if (root / NLLB_SPM).is_file():
        return _detect_nllb(root, src, tgt, name)
    if (root / "model.bin").is_file():
        return _detect_opus(root, src, tgt, name)
    raise ModelError(
        f"{root}: not a recognised model: expected a CTranslate2 folder (model.bin, config.json, "
        f"vocabulary) with source.spm/target.spm, {NLLB_SPM}, or an Argos package "
        "(metadata.json, model/, sentencepiece.model)")


def _kind(path: Path) -> str | None:
    """"dir", "file", "other" or None (missing); ModelError for a path that cannot be looked
    at (too long, a permission denied on the way)."""
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise ModelError(f"{display(path)}: {exc.strerror or exc}") from None
    return "dir" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else "other"


def _detect_opus(root: Path, src: str | None, tgt: str | None, name: str | None) -> ModelInfo:
    config = _check_ct2_folder(root)
    missing = [f for f in OPUS_SPM if not (root / f).is_file()]
    if missing:
        raise ModelError(
            f"{root}: {' and '.join(missing)} missing: CTranslate2 converters do not copy "
            "the SentencePiece models; copy source.spm and target.spm from the original "
            "Hugging Face model folder (e.g. Helsinki-NLP/opus-mt-fr-en) into this folder")
    guess_src, guess_tgt = _pair_from_name(root.name)
    adds_eos = bool(config.get("add_source_eos", False))
    return ModelInfo(
        name=name or root.name, path=root, layout="opus", src=src or guess_src,
        tgt=tgt or guess_tgt, multilingual=False, size_bytes=_folder_size(root),
        model_dir=root, source_spm=root / OPUS_SPM[0], target_spm=root / OPUS_SPM[1],
        append_eos=not adds_eos, config_add_source_eos=adds_eos)


def _detect_nllb(root: Path, src: str | None, tgt: str | None, name: str | None) -> ModelInfo:
    config = _check_ct2_folder(root)
    style, tokens = _lang_tokens(root)
    if style is None:
        raise ModelError(f"{root}: {NLLB_SPM} found but no language tokens (fra_Latn or __fr__) "
                         "in the vocabulary; not an NLLB-200/M2M-100 conversion")
    adds_eos = bool(config.get("add_source_eos", False))
    spm = root / NLLB_SPM
    return ModelInfo(
        name=name or root.name, path=root, layout="nllb", src=src, tgt=tgt, multilingual=True,
        size_bytes=_folder_size(root), model_dir=root, source_spm=spm, target_spm=spm,
        append_eos=not adds_eos, config_add_source_eos=adds_eos, lang_token_style=style,
        languages=tokens)


def _argos_meta(root: Path) -> dict[str, Any]:
    return _check_argos_meta(_read_json(root / "metadata.json"), display(root / "metadata.json"))


def _check_argos_meta(meta: Any, where: str) -> dict[str, Any]:
    if not isinstance(meta, dict):
        raise ModelError(f"{where}: expected a JSON object")
    for key in ("from_code", "to_code"):
        if not isinstance(meta.get(key), str) or not re.fullmatch(r"[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?", meta[key]):
            raise ModelError(f"{where}: {key} must be a language code such as \"fr\"")
    if not isinstance(meta.get("target_prefix") or "", str):
        raise ModelError(f"{where}: target_prefix must be a string")
    return meta


def _detect_argos(root: Path, src: str | None, tgt: str | None, name: str | None) -> ModelInfo:
    meta = _argos_meta(root)
    model_dir = root / "model"
    config = _check_ct2_folder(model_dir)
    spm = root / ARGOS_SPM
    if not spm.is_file():
        other = "bpe.model" if (root / "bpe.model").is_file() else None
        why = f"it ships {other} (BPE merges), which is not supported" if other else "it is missing"
        raise ModelError(f"{root}: Argos package without {ARGOS_SPM}: {why}")
    prefix = meta.get("target_prefix") or ""
    return ModelInfo(
        name=name or root.name, path=root, layout="argos", src=src or str(meta["from_code"]),
        tgt=tgt or str(meta["to_code"]), multilingual=False, size_bytes=_folder_size(root),
        model_dir=model_dir, source_spm=spm, target_spm=spm, append_eos=False,
        config_add_source_eos=bool(config.get("add_source_eos", False)),
        target_prefix=(str(prefix),) if prefix else ())


def _detect_zip(path: Path, src: str | None, tgt: str | None, name: str | None) -> ModelInfo:
    """Check an .argosmodel zip without extracting it (members, sizes, metadata); the info
    points into the zip. Extraction checks the rest (see _cached_extract, add_model)."""
    members = _safe_members(path)
    top = _zip_top(members)
    names = {"/".join(parts) for parts, _ in members}
    need = [f"{top}metadata.json", f"{top}model/model.bin", f"{top}model/config.json", f"{top}{ARGOS_SPM}"]
    absent = [n for n in need if n not in names]
    if absent:
        raise ModelError(f"{display(path)}: not an Argos package: missing {', '.join(absent)}")
    meta_member = next(m for parts, m in members if "/".join(parts) == f"{top}metadata.json")
    if meta_member.file_size > MAX_JSON_BYTES:
        raise ModelError(f"{display(path)}: metadata.json is over {MAX_JSON_BYTES >> 20} MB")
    try:
        with zipfile.ZipFile(path) as archive:
            raw = archive.read(meta_member)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise ModelError(f"{display(path)}: cannot read metadata.json ({exc})") from None
    meta = _check_argos_meta(_parse_json(raw, f"{display(path)}: metadata.json"),
                             f"{display(path)}: metadata.json")
    inner = path / top if top else path
    prefix = meta.get("target_prefix") or ""
    return ModelInfo(
        name=name or path.stem, path=path, layout="argos", src=src or meta.get("from_code"),
        tgt=tgt or meta.get("to_code"), multilingual=False, size_bytes=path.stat().st_size,
        model_dir=inner / "model", source_spm=inner / ARGOS_SPM, target_spm=inner / ARGOS_SPM,
        append_eos=False, config_add_source_eos=False,
        target_prefix=(str(prefix),) if prefix else ())


# --------------------------------------------------------------- safe zips


Member = tuple[tuple[str, ...], zipfile.ZipInfo]  # (path parts, member)


def _safe_members(path: Path) -> list[Member]:
    """The members of a zip with their path parts, checked on the archive's directory before
    anything is decompressed: no absolute path, '..', empty or '.' part ('pkg//tmp/x/'), drive
    letter, symlink, duplicate, member that is both a file and a folder; member count, total
    size and compression ratio within the limits above."""
    where = display(path)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ModelError(f"{where}: not a valid zip archive ({exc})") from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ModelError(f"{where}: {len(infos)} zip members, over the {MAX_ZIP_MEMBERS} limit")
    members: list[Member] = []
    files: set[tuple[str, ...]] = set()
    folders: set[tuple[str, ...]] = set()
    total = packed = 0
    for info in infos:
        parts = _member_parts(where, info)
        if info.is_dir():
            folders.add(parts)
        elif parts in files:
            raise ModelError(f"{where}: zip member {info.filename!r} appears twice")
        else:
            files.add(parts)
        folders.update(parts[:k] for k in range(1, len(parts)))
        size, stored = info.file_size, max(info.compress_size, 1)
        if size > RATIO_FLOOR and size > MAX_ZIP_RATIO * stored:
            raise ModelError(f"{where}: zip member {info.filename!r} expands {size // stored}x "
                             f"(to {size} bytes), over the {MAX_ZIP_RATIO}x limit; refused")
        total += size
        packed += stored
        members.append((parts, info))
    clash = files & folders
    if clash:
        raise ModelError(f"{where}: zip member {'/'.join(min(clash))!r} is both a file and a folder")
    if total > MAX_ZIP_BYTES:
        raise ModelError(f"{where}: zip expands to {total} bytes, over the {MAX_ZIP_BYTES} limit")
    if total > RATIO_FLOOR and total > MAX_ZIP_RATIO * packed:
        raise ModelError(f"{where}: zip expands {total // packed}x (to {total} bytes), over the "
                         f"{MAX_ZIP_RATIO}x limit; refused")
    return members


def _member_parts(where: str, info: zipfile.ZipInfo) -> tuple[str, ...]:
    name = info.filename
    parts = tuple(name.replace("\\", "/").removesuffix("/").split("/"))
    if (not name or "\0" in name or re.match(r"^[A-Za-z]:", name)
            or any(p in ("", ".", "..") for p in parts)):
        raise ModelError(f"{where}: unsafe zip member {name!r} (absolute path, '..', '.' or "
                         "an empty part)")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise ModelError(f"{where}: zip member {name!r} is a symlink; refused")
    return parts


def _zip_top(members: list[Member]) -> str:
    """The single top folder ('name/') of a package zip, or '' if files sit at the root."""
    tops = {parts[0] for parts, _ in members}
    if len(tops) == 1 and any(len(parts) > 1 for parts, _ in members):
        return tops.pop() + "/"
    return ""


def extract_zip(path: str | Path, dest: str | Path) -> Path:
    """Safely extract a package zip into new folder `dest` (the single top folder stripped);
    return dest. On any error nothing is left behind."""
    zpath, out = Path(path), Path(dest)
    members = _safe_members(zpath)
    skip = 1 if _zip_top(members) else 0
    try:
        out.mkdir(parents=True, exist_ok=False)
    except OSError as exc:
        raise ModelError(f"{display(out)}: cannot create the folder ({exc.strerror})") from None
    try:
        with zipfile.ZipFile(zpath) as archive:
            for parts, info in members:
                target = out.joinpath(*parts[skip:])
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                _extract_member(archive, info, target)
    except ModelError:
        shutil.rmtree(out, ignore_errors=True)
        raise
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        shutil.rmtree(out, ignore_errors=True)
        raise ModelError(f"{display(zpath)}: cannot extract ({exc})") from None
    return out


def _extract_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> None:
    """Copy one member into a new file, never past its declared size (zipfile also checks the
    size and the CRC as it reads)."""
    left = info.file_size
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    with archive.open(info) as source, os.fdopen(fd, "wb") as sink:
        while chunk := source.read(min(1 << 20, left + 1)):
            left -= len(chunk)
            if left < 0:
                raise ModelError(f"{display(archive.filename or '')}: zip member {info.filename!r} is larger than "
                                 "it declares; refused")
            sink.write(chunk)


# ----------------------------------------------------------------- registry


def data_dir() -> Path:
    """User data folder: $CLEANUP_DATA_DIR, else $XDG_DATA_HOME/cleanup (~/.local/share)."""
    override = os.environ.get("CLEANUP_DATA_DIR")
    if override:
        path, origin = Path(override).expanduser(), "CLEANUP_DATA_DIR"
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        path, origin = Path(base).expanduser() / "cleanup", "the data folder"
    if path.exists() and not path.is_dir():
        raise ModelError(f"{display(path)}: {origin} is not a folder")
    return path


def models_dir() -> Path:
    """Folder holding one sub-folder per registered model."""
    return data_dir() / "models"


def _registry_meta(entry: Path) -> dict[str, Any] | None:
    path = entry / REGISTRY_FILE
    if not path.is_file():
        return None
    meta = _read_json(path)
    if not isinstance(meta, dict) or not all(isinstance(meta.get(k), (str, type(None)))
                                             for k in ("name", "src", "tgt")):
        raise ModelError(f"{display(path)}: not a registry record (a JSON object with name, src, tgt)")
    return meta


def _detect_registered(entry: Path, meta: dict[str, Any]) -> ModelInfo:
    inner = entry / "model"
    info = detect_layout(inner, meta.get("src"), meta.get("tgt"), meta.get("name") or entry.name)
    multilingual = bool(meta.get("multilingual", info.multilingual))
    return _replace(info, path=entry, multilingual=multilingual)


def _replace(info: ModelInfo, **changes: Any) -> ModelInfo:
    from dataclasses import replace
    return replace(info, **changes)


def _default_name(path: Path) -> str:
    stem = path.stem if path.is_file() else path.name
    return re.sub(r"[^A-Za-z0-9._+-]", "-", stem).strip("-.")


def _stage(source: Path, staging: Path, link: bool) -> Path:
    inner = staging / "model"
    if source.is_file():
        if link:
            raise ModelError(f"{display(source)}: --link needs an extracted folder, not a zip")
        extract_zip(source, inner)
    elif link:
        inner.symlink_to(source.resolve(), target_is_directory=True)
    else:
        shutil.copytree(source, inner, symlinks=False)
    return inner


def add_model(path: str | Path, src: str | None = None, tgt: str | None = None,
              multilingual: bool = False, name: str | None = None, link: bool = False,
              replace: bool = False) -> ModelInfo:
    """Copy (or symlink) a model into the registry and return its info. The copy is checked
    in a staging folder first: a refused model leaves nothing in the registry."""
    try:
        return _add_model(Path(path).expanduser(), src, tgt, multilingual, name, link, replace)
    except OSError as exc:
        raise ModelError(f"{display(path)}: cannot register the model: "
                         f"{exc.strerror or exc} ({display(exc.filename or '')})") from None


def _add_model(source: Path, src: str | None, tgt: str | None, multilingual: bool,
               name: str | None, link: bool, replace: bool) -> ModelInfo:
    probe = detect_layout(source, src, tgt)
    model_name = name or _default_name(source)
    if not NAME_RE.match(model_name):
        raise ModelError(f"{display(source)}: invalid model name {model_name!r} (letters, digits, . _ + -)")
    multilingual = multilingual or probe.multilingual
    if not multilingual and not (probe.src and probe.tgt):
        raise ModelError(f"{display(source)}: cannot tell the language pair; give it with --src and --tgt")
    final = models_dir() / model_name
    if (final.exists() or final.is_symlink()) and not replace:
        raise ModelError(f"{display(final)}: a model named {model_name!r} already exists; "
                         "choose another name (--name) or replace it (--replace)")
    models_dir().mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{model_name}.", dir=models_dir()))
    try:
        _stage(source, staging, link)
        meta = {"name": model_name, "src": probe.src, "tgt": probe.tgt,
                "multilingual": multilingual, "layout": probe.layout,
                "source": str(source.resolve()), "linked": link}
        (staging / REGISTRY_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n",
                                             encoding="utf-8")
        try:
            detect_layout(staging)
        except ModelError as exc:
            raise _renamed(exc, staging / "model", source) from None
        _commit(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return detect_layout(final)


def _commit(staging: Path, final: Path) -> None:
    if final.is_symlink() or final.is_file():
        final.unlink()
    elif final.exists():
        shutil.rmtree(final)
    staging.rename(final)


def _entries() -> Iterator[Path]:
    root = models_dir()
    if root.is_dir():
        for entry in sorted(root.iterdir()):
            if not entry.name.startswith(".") and (entry / REGISTRY_FILE).is_file():
                yield entry


def list_models() -> list[ModelInfo]:
    """Registered models, sorted by name; broken entries are skipped."""
    found = []
    for entry in _entries():
        try:
            found.append(detect_layout(entry))
        except ModelError:
            continue
    return found


def find_model(src: str, tgt: str, name: str | None = None) -> ModelInfo:
    """Pick a registered model for src -> tgt: named one, else bilingual, else multilingual."""
    if name:
        entry = models_dir() / name
        if not (entry / REGISTRY_FILE).is_file():
            raise ModelError(f"{entry}: no registered model named {name!r}")
        info = detect_layout(entry)
        if not info.supports(src, tgt):
            raise ModelError(f"{entry}: model {name!r} does not translate {src}->{tgt}")
        return info
    models = [m for m in list_models() if m.supports(src, tgt)]
    if not models:
        raise ModelError(f"{display(models_dir())}: no installed model translates {src}->{tgt}; "
                         "register one with `cleanup model add`")
    return sorted(models, key=lambda m: (m.multilingual, m.size_bytes, m.name))[0]


def resolve_model(spec: str | Path, src: str | None = None, tgt: str | None = None) -> ModelInfo:
    """A model folder, an .argosmodel zip (checked and extracted once into the cache; the info
    and its errors name the zip) or a registry name."""
    path = Path(spec).expanduser()
    kind = _kind(path)
    if kind == "dir":
        return detect_layout(path, src, tgt)
    if kind == "file":
        detect_layout(path)  # members, sizes and metadata, before anything is created
        extracted = _cached_extract(path)
        try:
            info = detect_layout(extracted, src, tgt, name=_default_name(path))
        except ModelError as exc:
            raise _renamed(exc, extracted, path) from None
        return _replace(info, path=path)
    if NAME_RE.match(str(spec)) and (models_dir() / str(spec) / REGISTRY_FILE).is_file():
        return detect_layout(models_dir() / str(spec))
    raise ModelError(f"{display(path)}: not a model folder, a model zip or a registered model name")


def _renamed(exc: ModelError, inner: Path, given: Path) -> ModelError:
    """``exc`` naming the path the user gave instead of a staging or cache folder."""
    return ModelError(str(exc).replace(display(inner), display(given)))


def _cached_extract(path: Path) -> Path:
    """The zip extracted into the cache, checked as a model first: a refused zip leaves
    nothing in the cache."""
    try:
        with open(path, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()[:16]
        cache = data_dir() / "cache"
        dest = cache / f"{_default_name(path)}-{digest}"
        if dest.is_dir():
            return dest
        cache.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".extract.", dir=cache))
    except OSError as exc:
        raise ModelError(f"{display(path)}: cannot extract into the cache: {exc.strerror or exc}") from None
    try:
        pkg = extract_zip(path, staging / "pkg")
        try:
            detect_layout(pkg)
        except ModelError as exc:
            raise _renamed(exc, pkg, path) from None
        try:
            pkg.rename(dest)
        except OSError:
            if not dest.is_dir():  # another process may have put it there first
                raise ModelError(f"{display(dest)}: cannot move the extracted model into the cache") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return dest
