"""Home Assistant over MQTT: a node's snapshot published with discovery (docs/home-assistant.md)."""
