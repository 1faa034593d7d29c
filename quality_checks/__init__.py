"""Quality checks by principle (clean/correct/complete/live) and the gate's building blocks.

A plain library: it never imports ``ioc_pipelines`` or ``connectors``.
"""

PRINCIPLES = {"clean": "sạch", "correct": "đúng", "complete": "đủ", "live": "sống"}
