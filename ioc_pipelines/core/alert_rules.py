"""The alert rules: for each, its severity, thresholds and recipients — the built-in
``alert_rules.yml`` beside this module, overridden key by key by ``$IOC_HOME/alert_rules.yml``
(or the file ``IOC_ALERT_RULES`` names). Read again when the override file changes."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.settings import Settings

RULES_FILE = Path(__file__).with_name("alert_rules.yml")
SEVERITIES = ("info", "warning", "critical")


class AlertRuleError(CoreError):
    pass


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(
            out.get(key), dict) else value
    return out


@cache
def _read_rules(path: str | None, mtime: float | None) -> dict:
    rules = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))["rules"]
    if path is not None:
        try:
            given = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise AlertRuleError(f"alert rules {path}: {exc}") from None
        unknown = sorted(set(given.get("rules") or {}) - set(rules))
        if unknown:
            raise AlertRuleError(f"alert rules {path}: no rule named {unknown[0]} (rules: "
                                 f"{', '.join(sorted(rules))})")
        rules = _merge(rules, given.get("rules") or {})
    for name, rule in rules.items():
        if rule.get("severity") not in SEVERITIES:
            raise AlertRuleError(f"alert rule {name}: severity must be one of {SEVERITIES}")
    return rules


def rules(settings: Settings) -> dict:
    """Every rule with its severity, thresholds and recipients (defaults + the override)."""
    path = settings.live.rules_file or str(settings.home / "alert_rules.yml")
    given = Path(path)
    if not given.is_file():
        if settings.live.rules_file:
            raise AlertRuleError(f"IOC_ALERT_RULES names {path}, which does not exist")
        return _read_rules(None, None)
    return _read_rules(str(given), given.stat().st_mtime)
