"""Which inventory lot a scan points at: the lot index, the resolution rules, the offline cache."""
