"""Shared fixtures: a real on-disk Oxigraph store and SQLite database per test, and file writers."""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from yuanshu.config import Settings
from yuanshu.runtime import Runtime

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A file of ../shared (beside the clone, in CI too); the test is skipped, saying so, if it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: ../shared must sit beside the clone for this test")
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "data", base_iri="http://example.org/id/")


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    rt = Runtime.open(settings)
    yield rt
    rt.close()


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    """Write a CSV the way a department would (the header, then the rows)."""
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


CATALOG_HEADER = ["信息资源代码", "信息资源名称", "资源提供方", "所属区域", "主题分类", "资源格式", "信息项",
                  "共享类型", "开放类型", "更新周期", "发布日期", "来源系统", "关联资源代码", "备注"]
CATALOG_ROWS = [
    ["441600-MZJ-001", "婚姻登记信息", "河源市民政局", "市直", "民政", "xlsx、csv", "姓名、身份证号码、登记日期",
     "无条件共享", "无条件开放", "每月", "2021年3月1日", "河源市婚姻登记系统", "", "按季度更新"],
    ["441600-MZJ-002", "低保对象信息", "市民政局", "市直", "社会救助", "csv", "姓名、公民身份号码、救助金额",
     "有条件共享", "不予开放", "每季度", "2021/3/1", "河源市社会救助信息系统", "441600-MZJ-001", ""],
    ["441600-SJJ-001", "企业登记信息", "河源市市场监督管理局", "市直", "市场监管", "接口",
     "统一社会信用代码、企业名称、法定代表人", "无条件共享", "有条件开放", "每日", "2020-07-20", "", "", ""],
]
DEPARTMENT_HEADER = ["部门名称", "统一社会信用代码", "所属区域", "简称", "上级部门"]
DEPARTMENT_ROWS = [
    ["河源市民政局", "11441600007000001X", "市直", "市民政局、民政局", ""],
    ["河源市市场监督管理局", "11441600007000002X", "市直", "市市场监管局", ""],
    ["河源市社会福利院", "12441600007000003X", "市直", "", "河源市民政局"],
]


# ------------------------------------------------------------------------------------ real servers
ADMIN_TOKEN = "test-admin-token"
STAFF_TOKEN = "test-staff-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A real ``yuanshu`` server process on loopback."""

    url: str
    home: Path
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def start_server(home: Path, command: list[str], *, timeout: float = 600, **env: str) -> Server:
    """Run ``python -m yuanshu.cli <command> --port P`` with ``YUANSHU_HOME=home`` until /api/health answers."""
    port = free_port()
    environment = {**os.environ, "YUANSHU_HOME": str(home), **env}
    log = (home.parent / f"server-{port}.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "yuanshu.cli", *command, "--port", str(port)], env=environment,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError((home.parent / f"server-{port}.log").read_text(errors="replace")[-4000:])
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                return Server(url, home, proc)
        except httpx.TransportError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"server did not start within {timeout}s")


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``yuanshu demo`` (scale 1: generate, load, index, serve) on loopback, shared by the API tests.

    Requests are anonymous unless they send ``Authorization: Bearer`` :data:`ADMIN_TOKEN` (an administrator)
    or :data:`STAFF_TOKEN` (staff of 河源市政务服务数据管理局).
    """
    home = tmp_path_factory.mktemp("demo-server") / "data"
    tokens = {ADMIN_TOKEN: "admin", STAFF_TOKEN: "staff:"}
    server = start_server(home, ["demo"], YUANSHU_API_TOKENS=json.dumps(tokens), YUANSHU_SPARQL_TIMEOUT="4")
    yield server
    server.stop()


def auth(token: str) -> dict[str, str]:
    """The headers of a request made with a bearer token."""
    return {"Authorization": f"Bearer {token}"}
