"""One module per schema revision, named ``NNNN_what_changed.py``."""
