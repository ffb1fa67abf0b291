"""Resolution of scans to inventory lots: the lot index, the resolution rules, the offline cache."""
