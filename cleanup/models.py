"""Translation model layouts (OPUS-MT, Argos, NLLB-200/M2M-100) and a local registry.

Nothing here imports ctranslate2: detection only reads files.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterator

from cleanup.errors import ModelError

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
MAX_ZIP_BYTES = 8 * 1024**3


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


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: cannot read JSON ({exc})") from exc


def _read_config(model_dir: Path) -> dict[str, Any]:
    path = model_dir / "config.json"
    if not path.is_file():
        raise ModelError(f"{model_dir}: config.json is missing; not a CTranslate2 model folder")
    config = _read_json(path)
    if not isinstance(config, dict):
        raise ModelError(f"{path}: expected a JSON object")
    return config


def _vocab_files(model_dir: Path) -> list[Path]:
    names = ("shared_vocabulary", "source_vocabulary", "target_vocabulary")
    return [model_dir / f"{n}.{e}" for n in names for e in ("json", "txt")
            if (model_dir / f"{n}.{e}").is_file()]


def _read_vocab(path: Path) -> list[str]:
    if path.suffix == ".json":
        tokens = _read_json(path)
        return [str(t) for t in tokens] if isinstance(tokens, list) else []
    return path.read_text(encoding="utf-8").splitlines()


def _check_ct2_folder(model_dir: Path) -> None:
    if not (model_dir / "model.bin").is_file():
        raise ModelError(f"{model_dir}: model.bin is missing; not a CTranslate2 model folder")
    if not _vocab_files(model_dir):
        raise ModelError(f"{model_dir}: no shared/source/target vocabulary file next to model.bin")


def _folder_size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path, followlinks=True):
        total += sum((Path(root) / f).stat().st_size for f in files)
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
    if not root.exists():
        raise ModelError(f"{root}: model path does not exist")
    if root.is_file():
        return _detect_zip(root, src, tgt, name)
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


def _detect_opus(root: Path, src: str | None, tgt: str | None, name: str | None) -> ModelInfo:
    _check_ct2_folder(root)
    missing = [f for f in OPUS_SPM if not (root / f).is_file()]
    if missing:
        raise ModelError(
            f"{root}: {' and '.join(missing)} missing: CTranslate2 converters do not copy "
            "the SentencePiece models; copy source.spm and target.spm from the original "
            "Hugging Face model folder (e.g. Helsinki-NLP/opus-mt-fr-en) into this folder")
    config = _read_config(root)
    guess_src, guess_tgt = _pair_from_name(root.name)
    adds_eos = bool(config.get("add_source_eos", False))
    return ModelInfo(
        name=name or root.name, path=root, layout="opus", src=src or guess_src,
        tgt=tgt or guess_tgt, multilingual=False, size_bytes=_folder_size(root),
        model_dir=root, source_spm=root / OPUS_SPM[0], target_spm=root / OPUS_SPM[1],
        append_eos=not adds_eos, config_add_source_eos=adds_eos)


def _detect_nllb(root: Path, src: str | None, tgt: str | None, name: str | None) -> ModelInfo:
    _check_ct2_folder(root)
    config = _read_config(root)
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
    meta = _read_json(root / "metadata.json")
    if not isinstance(meta, dict) or not meta.get("from_code") or not meta.get("to_code"):
        raise ModelError(f"{root / 'metadata.json'}: from_code and to_code are required")
    return meta


def _detect_argos(root: Path, src: str | None, tgt: str | None, name: str | None) -> ModelInfo:
    meta = _argos_meta(root)
    model_dir = root / "model"
    _check_ct2_folder(model_dir)
    spm = root / ARGOS_SPM
    if not spm.is_file():
        other = "bpe.model" if (root / "bpe.model").is_file() else None
        why = f"it ships {other} (BPE merges), which is not supported" if other else "it is missing"
        raise ModelError(f"{root}: Argos package without {ARGOS_SPM}: {why}")
    config = _read_config(model_dir)
    prefix = meta.get("target_prefix") or ""
    return ModelInfo(
        name=name or root.name, path=root, layout="argos", src=src or str(meta["from_code"]),
        tgt=tgt or str(meta["to_code"]), multilingual=False, size_bytes=_folder_size(root),
        model_dir=model_dir, source_spm=spm, target_spm=spm, append_eos=False,
        config_add_source_eos=bool(config.get("add_source_eos", False)),
        target_prefix=(str(prefix),) if prefix else ())


def _detect_zip(path: Path, src: str | None, tgt: str | None, name: str | None) -> ModelInfo:
    """Validate an .argosmodel zip without extracting; the info points into the zip."""
    members = _safe_members(path)
    top = _zip_top(members)
    names = {m.filename.rstrip("/") for m in members}
    need = [f"{top}metadata.json", f"{top}model/model.bin", f"{top}{ARGOS_SPM}"]
    absent = [n for n in need if n not in names]
    if absent:
        raise ModelError(f"{path}: not an Argos package: missing {', '.join(absent)}")
    with zipfile.ZipFile(path) as archive:
        try:
            meta = json.loads(archive.read(f"{top}metadata.json").decode("utf-8"))
        except ValueError as exc:
            raise ModelError(f"{path}: metadata.json is not valid JSON ({exc})") from exc
    if not isinstance(meta, dict):
        raise ModelError(f"{path}: metadata.json must hold a JSON object")
    inner = path / top if top else path
    prefix = meta.get("target_prefix") or ""
    return ModelInfo(
        name=name or path.stem, path=path, layout="argos", src=src or meta.get("from_code"),
        tgt=tgt or meta.get("to_code"), multilingual=False, size_bytes=path.stat().st_size,
        model_dir=inner / "model", source_spm=inner / ARGOS_SPM, target_spm=inner / ARGOS_SPM,
        append_eos=False, config_add_source_eos=False,
        target_prefix=(str(prefix),) if prefix else ())


# --------------------------------------------------------------- safe zips


def _safe_members(path: Path) -> list[zipfile.ZipInfo]:
    """Members of a zip, rejecting absolute paths, '..', symlinks and bombs."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ModelError(f"{path}: not a valid zip archive ({exc})") from exc
    if bad is not None:
        raise ModelError(f"{path}: corrupt zip member {bad!r}")
    total = 0
    for member in members:
        _check_member(path, member)
        total += member.file_size
    if total > MAX_ZIP_BYTES:
        raise ModelError(f"{path}: zip expands to {total} bytes, over the {MAX_ZIP_BYTES} limit")
    return members


def _check_member(path: Path, member: zipfile.ZipInfo) -> None:
    name = member.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        raise ModelError(f"{path}: unsafe zip member {name!r} (absolute path or '..')")
    mode = member.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise ModelError(f"{path}: zip member {name!r} is a symlink; refused")


def _zip_top(members: list[zipfile.ZipInfo]) -> str:
    """The single top folder ('name/') of a package zip, or '' if files sit at the root."""
    tops = {m.filename.replace("\\", "/").split("/", 1)[0] for m in members}
    if len(tops) == 1 and any("/" in m.filename.replace("\\", "/") for m in members):
        return tops.pop() + "/"
    return ""


def extract_zip(path: str | Path, dest: str | Path) -> Path:
    """Safely extract a package zip into new folder `dest`; return dest."""
    zpath, out = Path(path), Path(dest)
    members = _safe_members(zpath)
    top = _zip_top(members)
    out.mkdir(parents=True, exist_ok=False)
    with zipfile.ZipFile(zpath) as archive:
        for member in members:
            rel = member.filename.replace("\\", "/")[len(top):]
            if not rel or member.is_dir():
                (out / rel).mkdir(parents=True, exist_ok=True)
                continue
            target = out / rel
            if not target.resolve().is_relative_to(out.resolve()):
                raise ModelError(f"{zpath}: unsafe zip member {member.filename!r}")
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, open(target, "wb") as sink:
                shutil.copyfileobj(source, sink)
    return out


# ----------------------------------------------------------------- registry


def data_dir() -> Path:
    """User data folder: $CLEANUP_DATA_DIR, else $XDG_DATA_HOME/cleanup (~/.local/share)."""
    override = os.environ.get("CLEANUP_DATA_DIR")
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "cleanup"


def models_dir() -> Path:
    """Folder holding one sub-folder per registered model."""
    return data_dir() / "models"


def _registry_meta(entry: Path) -> dict[str, Any] | None:
    path = entry / REGISTRY_FILE
    return _read_json(path) if path.is_file() else None


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
            raise ModelError(f"{source}: link=True needs an extracted folder, not a zip")
        extract_zip(source, inner)
    elif link:
        inner.symlink_to(source.resolve(), target_is_directory=True)
    else:
        shutil.copytree(source, inner, symlinks=False)
    return inner


def add_model(path: str | Path, src: str | None = None, tgt: str | None = None,
              multilingual: bool = False, name: str | None = None, link: bool = False,
              replace: bool = False) -> ModelInfo:
    """Copy (or symlink) a model into the registry and return its info."""
    source = Path(path).expanduser()
    probe = detect_layout(source, src, tgt)
    model_name = name or _default_name(source)
    if not NAME_RE.match(model_name):
        raise ModelError(f"{source}: invalid model name {model_name!r} (letters, digits, . _ + -)")
    multilingual = multilingual or probe.multilingual
    if not multilingual and not (probe.src and probe.tgt):
        raise ModelError(f"{source}: cannot tell the language pair; pass src and tgt")
    final = models_dir() / model_name
    if (final.exists() or final.is_symlink()) and not replace:
        raise ModelError(f"{final}: a model named {model_name!r} already exists; "
                         "choose another name or pass replace=True")
    models_dir().mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{model_name}.", dir=models_dir()))
    try:
        _stage(source, staging, link)
        meta = {"name": model_name, "src": probe.src, "tgt": probe.tgt,
                "multilingual": multilingual, "layout": probe.layout,
                "source": str(source.resolve()), "linked": link}
        (staging / REGISTRY_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n",
                                             encoding="utf-8")
        detect_layout(staging)
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
        raise ModelError(f"{models_dir()}: no installed model translates {src}->{tgt}; "
                         "add one with add_model")
    return sorted(models, key=lambda m: (m.multilingual, m.size_bytes, m.name))[0]


def resolve_model(spec: str | Path, src: str | None = None, tgt: str | None = None) -> ModelInfo:
    """A model folder, an .argosmodel zip (extracted once into the cache) or a registry name."""
    path = Path(spec).expanduser()
    if path.is_dir():
        return detect_layout(path, src, tgt)
    if path.is_file():  # named after the zip the user gave, not the cache folder
        info = detect_layout(_cached_extract(path), src, tgt, name=_default_name(path))
        return _replace(info, path=path)
    if NAME_RE.match(str(spec)) and (models_dir() / str(spec) / REGISTRY_FILE).is_file():
        return detect_layout(models_dir() / str(spec))
    raise ModelError(f"{path}: model path does not exist and is not a registered model name")


def _cached_extract(path: Path) -> Path:
    import hashlib

    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    dest = data_dir() / "cache" / f"{_default_name(path)}-{digest}"
    if dest.is_dir():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".extract.", dir=dest.parent))
    try:
        extract_zip(path, staging / "pkg")
        (staging / "pkg").rename(dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return dest
