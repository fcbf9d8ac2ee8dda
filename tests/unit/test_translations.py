"""The translation catalogue: current with the sources, built by the build, loaded at start."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _build_module() -> ModuleType:
    # packaging/ is not a package (pip's own `packaging` would shadow it): load the script by path
    spec = importlib.util.spec_from_file_location(
        "kc_translations", ROOT / "packaging" / "translations.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tr_build = _build_module()


def test_the_catalogue_is_current_with_the_sources() -> None:
    assert tr_build.stale_lines() == [], "run: python packaging/translations.py update"


def test_every_string_the_code_translates_is_in_the_catalogue_under_its_context() -> None:
    pairs, problems = tr_build.code_messages()
    assert problems == []
    assert len(pairs) > 500
    assert sorted(pairs - tr_build.messages()) == []


def test_calls_lupdate_cannot_read_are_problems(tmp_path: Path) -> None:
    source = tmp_path / "desktop"
    source.mkdir()
    (source / "m.py").write_text(
        "from PySide6.QtCore import QCoreApplication\n"
        "def _tr(text):\n"
        '    return QCoreApplication.translate("", text)\n'
        "class W:\n"
        "    def f(self, parent, s):\n"
        '        self.tr("类内")\n'
        '        _tr("模块")\n'
        '        QCoreApplication.translate("ctx", "直接")\n'
        '        parent.tr("父窗口")\n'
        '        self.tr(f"只看{s}")\n'
        "        return f\"{_tr('备注')}\"\n",
        encoding="utf-8",
    )
    pairs, problems = tr_build.code_messages(source)
    assert {("W", "类内"), ("", "模块"), ("ctx", "直接")} <= pairs
    assert [p.split(": ", 1)[1] for p in problems] == [
        "parent.tr(…): context unknown until it runs",
        "f-string given to translate",
        "translated inside an f-string (unseen)",
    ]
    ts = tmp_path / "out.ts"
    tr_build.update(ts, source)
    assert {("W", "类内"), ("", "模块"), ("ctx", "直接")} <= tr_build.messages(ts)


def test_an_update_keeps_an_edited_translation_and_fills_new_ones() -> None:
    text = (
        "<context>\n    <name></name>\n"
        "    <message>\n        <source>高企</source>\n"
        "        <translation>高新技术企业</translation>\n    </message>\n"
        "    <message>\n        <source>新</source>\n"
        '        <translation type="unfinished"></translation>\n    </message>\n'
        "</context>\n"
    )
    filled = tr_build.fill_untranslated(text)
    assert "<translation>高新技术企业</translation>" in filled
    assert "<translation>新</translation>" in filled
    assert "unfinished" not in filled


def test_the_built_catalogue_loads_and_translates(tmp_path: Path, qapp: Any) -> None:
    from PySide6.QtCore import QTranslator

    qm = tmp_path / "bureau_zh_CN.qm"
    built = tr_build.build(tr_build.TS, qm)
    assert qm.exists() and (tmp_path / "qtbase_zh_CN.qm").exists()
    assert len(built) == 2
    translator = QTranslator()
    assert translator.load(str(qm))
    # found (an absent message translates to ""), in a class's context and in the wrappers' ""
    assert translator.translate("ContractsScreen", "技术合同") == "技术合同"
    assert translator.translate("", "无数据") == "无数据"
    qt = QTranslator()
    assert qt.load(str(tmp_path / "qtbase_zh_CN.qm"))
    assert qt.translate("QPlatformTheme", "Cancel") == "取消"


def test_install_translations_puts_qt_in_chinese_once(qapp: Any) -> None:
    from PySide6.QtCore import QCoreApplication, QLocale

    from desktop.ui.shell.translations import install_translations

    installed = install_translations(qapp)
    assert "qtbase_zh_CN" in installed
    assert install_translations(qapp) == installed  # once: no second set of translators
    assert QCoreApplication.translate("QPlatformTheme", "&Yes") == "是(&Y)"
    assert QLocale().language() == QLocale.Language.Chinese
