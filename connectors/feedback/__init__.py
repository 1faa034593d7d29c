"""feedback: Cases from the feedback portal (app, hotline, web, Zalo, in person): when received, how, about what, where, who handles it, its status and when it was resolved, and the reporter's satisfaction (json, csv); everything is driven by contract.yml."""

from connectors.base import Connector


class FeedbackConnector(Connector):
    source = "feedback"
