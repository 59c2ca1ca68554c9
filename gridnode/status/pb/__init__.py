"""Generated from protos/gridnode/status/v1/status.proto by scripts/gen_protos."""
