"""A real portal for the web tests: ``ioc serve`` as its own process on 127.0.0.1 and a free
port, over a home with one account of every role (the provider delivers for SYT)."""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from itsdangerous import URLSafeSerializer

from ioc_pipelines.core import accounts, sessions
from ioc_pipelines.core.accounts import ROLES
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.settings import Settings, load_settings
from tests.conftest import BIN, REPO, clean_env

PASSWORD = "Mật-khẩu-thử-2026"
USERS = {role: f"{role}.test" for role in ROLES}
PROVIDERS = {"provider": ("SYT",)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Portal:
    url: str
    settings: Settings
    process: subprocess.Popen
    log: Path

    def client(self, role: str | None = None) -> httpx.Client:
        """A client logged in as ``role`` (a fresh session of its account), or anonymous."""
        client = httpx.Client(base_url=self.url, follow_redirects=False, timeout=120)
        if role is not None:
            account = accounts.get(self.settings, USERS[role])
            secret = sessions.start(self.settings, account, "127.0.0.1")
            signed = URLSafeSerializer(self.settings.session_key, salt="ioc-session").dumps(secret)
            client.cookies.set("ioc_session", signed)
            client.csrf = sessions.resolve(self.settings, secret).csrf_token
        return client


def start_portal(home: Path, **extra: str) -> Portal:
    env = clean_env(home, **extra)
    settings = load_settings({k: v for k, v in env.items() if k.startswith("IOC_")})
    for role in ROLES:
        accounts.create(settings, Actor("test-setup"), username=USERS[role],
                        full_name=f"Người dùng {role}", unit="Đơn vị thử", role=role,
                        password=PASSWORD, providers=PROVIDERS.get(role, ()))
    port = free_port()
    log = home / "portal.log"
    process = subprocess.Popen([str(BIN / "ioc"), "serve", "--port", str(port)], env=env,
                               cwd=REPO, stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("ioc serve exited:\n" + log.read_text())
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return Portal(url, settings, process, log)
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise AssertionError("ioc serve did not answer:\n" + log.read_text())


def stop_portal(portal: Portal) -> None:
    portal.process.terminate()
    try:
        portal.process.wait(10)
    except subprocess.TimeoutExpired:
        portal.process.kill()


def browser_login(browser, portal: Portal, role: str):
    """A new browser context logged in as ``role`` through the login form: (page, errors)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{portal.url}/login")
    page.fill("#username", USERS[role])
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{portal.url}/")
    return page, errors
