"""Where conversations are kept: the tracker store, the lock store, forgetting one and purging old ones."""
