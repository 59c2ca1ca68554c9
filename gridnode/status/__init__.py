"""The node's local status interface: typed messages on a Unix socket, mode 0600."""
