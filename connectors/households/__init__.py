"""households: Households with their poverty classification under the 2022–2025 standard (Decree 07/2021, kept for 2026) and policy-beneficiary status, and the links of members to households (csv, xlsx); everything is driven by contract.yml."""

from connectors.base import Connector


class HouseholdsConnector(Connector):
    source = "households"
