"""The one error a connector raises for a file it cannot read."""


class ConnectorError(ValueError):
    """A delivered file cannot be read; ``str()`` names the file and the reason."""

    def __init__(self, file: str, reason: str):
        self.file = file
        self.reason = reason
        super().__init__(f"{file}: {reason}")

    @property
    def reason_vi(self) -> str:
        """The reason in Vietnamese, for the provider (the portal, the API)."""
        from connectors.reasons_vi import reason_vi

        return reason_vi(self.reason)
