"""Reports rendered from a pinned release of the published lake, never from the work lake."""
