"""Network description, file format and numba simulator; pure Python, numpy and numba, never Qt."""
