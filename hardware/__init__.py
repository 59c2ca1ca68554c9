"""Meter and relay drivers, device profiles and simulators (imported as gridnode.hardware)."""
