"""The HTTP server as ``yuanshu serve`` starts it: a real uvicorn process on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import start_server


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("server") / "data"


@pytest.fixture(scope="module")
def server(home: Path) -> Iterator[str]:
    running = start_server(home, ["serve"], timeout=180)
    yield running.url
    running.stop()


def test_health(server: str) -> None:
    response = httpx.get(f"{server}/api/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_portal_is_served_in_chinese(server: str) -> None:
    response = httpx.get(f"{server}/")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "源数" in response.text and 'lang="zh-CN"' in response.text


def test_unknown_path_is_a_json_404_not_a_500(server: str) -> None:
    response = httpx.get(f"{server}/api/nothing-here")
    assert response.status_code == 404
    assert "未找到" in response.json()["error"]


def test_a_second_process_on_the_same_data_directory_is_refused_clearly(server: str, home: Path,
                                                                        tmp_path: Path) -> None:
    source = tmp_path / "机构.csv"
    source.write_text("部门名称\n河源市民政局\n", encoding="utf-8")
    env = {**os.environ, "YUANSHU_HOME": str(home)}
    result = subprocess.run([sys.executable, "-m", "yuanshu.cli", "load", str(source)], env=env,
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "正被另一个进程使用" in result.stderr
