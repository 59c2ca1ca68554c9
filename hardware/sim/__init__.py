"""Simulated hardware: a circuit with loads and a relay, and a Modbus RTU slave on a pty.

Used by the demo and by the integration tests alike, so the real drivers read real
frames (DESIGN.md, "Real components").
"""
