"""Downloads of stored files through the edge, with the caller's rights checked."""
