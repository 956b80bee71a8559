"""Settings come from the environment and the data directory's yuanshu.toml, in one module."""

from __future__ import annotations

from pathlib import Path

import pytest

from ontology.iri import IriMinter
from yuanshu.config import Settings


def test_defaults_live_in_one_data_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("YUANSHU_HOME", "YUANSHU_BASE_IRI", "YUANSHU_DATABASE_URL", "YUANSHU_STORE_PATH"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.home == tmp_path / "yuanshu-data"
    assert settings.resolved_store_path == tmp_path / "yuanshu-data" / "store"
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'yuanshu-data' / 'yuanshu.db'}"


def test_settings_file_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "yuanshu.toml").write_text('base_iri = "https://data.heyuan.gov.cn/id"\nport = 9000\n')
    monkeypatch.setenv("YUANSHU_HOME", str(home))
    monkeypatch.delenv("YUANSHU_BASE_IRI", raising=False)
    settings = Settings()
    assert (settings.base_iri, settings.port) == ("https://data.heyuan.gov.cn/id/", 9000)
    monkeypatch.setenv("YUANSHU_PORT", "9100")
    assert Settings().port == 9100, "the environment overrides the settings file"


def test_iris_are_stable_and_follow_the_configured_base() -> None:
    a, b = IriMinter("http://a.example/id/"), IriMinter("http://a.example/id")
    assert a.dataset("441600-MZJ-001") == b.dataset("441600-MZJ-001") == "http://a.example/id/dataset/441600-MZJ-001"
    assert a.department(name="河源市 民政局") == a.department(name="河源市　民政局")  # full-width space
    assert a.area("源城区") == "http://a.example/id/area/%E6%BA%90%E5%9F%8E%E5%8C%BA"
    assert IriMinter("https://x.org/").service("S 1") == "https://x.org/service/S%201"
