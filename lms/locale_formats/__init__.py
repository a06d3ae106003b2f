"""Overrides of Django's per-language formats (``FORMAT_MODULE_PATH``), one module per
language that differs from Django's own. See ``lms/formats.py``."""
