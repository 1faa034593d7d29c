"""finance: Monthly budget revenue and spending by item (estimate for the year and actual), and the public-investment projects with their planned capital for the year and cumulative disbursement (xlsx, csv); everything is driven by contract.yml."""

from connectors.base import Connector


class FinanceConnector(Connector):
    source = "finance"
