"""The Voila dashboard: pick a template, watch the live diagram, read the code and the
findings, deploy to the sandbox, walk the canary and roll back, destroy.

`notebooks/dashboard.ipynb` shows `Dashboard(folder).view`; `isshoni dashboard`
serves that notebook with Voila (`serve.py`).
"""
