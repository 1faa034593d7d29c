"""The operator's commands, as the real ``ioc`` process: the first admin from a piped password
(never a default one, never on the command line), accounts and tokens, and ``ioc audit verify``
failing — naming the entry — once an entry is edited directly in the database."""

from __future__ import annotations

import sqlite3
import subprocess

from tests.conftest import BIN, REPO, clean_env

PASSWORD = "Mật-khẩu-quản-trị-2026"


def _ioc(env, *args, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "ioc"), *args], env=env, cwd=REPO, input=stdin,
                          capture_output=True, text=True, timeout=300)


def test_accounts_and_the_audit_log_from_the_shell(tmp_path):
    home = tmp_path / "ioc"
    env = clean_env(home)
    made = _ioc(env, "accounts", "create-admin", "quantri", "--name", "Nguyễn Văn Quản",
                "--unit", "Trung tâm IOC", "--password-stdin", stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    assert "Account quantri (admin) granted to Nguyễn Văn Quản" in made.stdout
    weak = _ioc(env, "accounts", "create", "syt", "--name", "A", "--unit", "Sở Y tế", "--role",
                "provider", "--provider", "SYT", "--password-stdin", stdin="ngan\n")
    assert weak.returncode == 2 and "ít nhất 12 ký tự" in weak.stderr
    made = _ioc(env, "accounts", "create", "syt", "--name", "Lê Thị Y", "--unit", "Sở Y tế",
                "--role", "provider", "--provider", "SYT", "--password-stdin",
                stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    token = _ioc(env, "accounts", "token-create", "syt", "--name", "HIS")
    assert token.returncode == 0 and token.stdout.startswith("ioc_")
    assert "shown only now" in token.stderr
    listed = _ioc(env, "accounts", "list").stdout
    assert "quantri" in listed and "[SYT]" in listed
    assert _ioc(env, "accounts", "lock", "syt", "--reason", "nghỉ").returncode == 0

    verified = _ioc(env, "audit", "verify")
    assert verified.returncode == 0 and "Audit log intact: 4 entries" in verified.stdout
    exported = _ioc(env, "audit", "export").stdout.splitlines()
    assert len(exported) == 4 and '"action": "account.lock"' in exported[-1]

    with sqlite3.connect(home / "app" / "ioc.sqlite") as db:  # behind the core's back
        db.execute("UPDATE audit_log SET actor = 'someone' WHERE entry_id = 2")
    broken = _ioc(env, "audit", "verify")
    assert broken.returncode == 1 and "BROKEN at entry 2" in broken.stdout
