"""The network: relationships, related-party groups, guarantee circles, concentrations, stress."""
