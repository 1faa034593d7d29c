"""enterprises: Events from the national business registration system for enterprises seated in the province: founded (thành lập mới), suspended (tạm ngừng), resumed (hoạt động trở lại), dissolved (giải thể) (csv, json); everything is driven by contract.yml."""

from connectors.base import Connector


class EnterprisesConnector(Connector):
    source = "enterprises"
