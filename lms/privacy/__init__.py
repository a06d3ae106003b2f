"""Privacy: the notices people accept (terms of use, privacy notice), their recorded
consent, and the retention schedule applied by ``manage.py apply_retention``."""
