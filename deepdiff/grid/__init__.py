"""The paper's grid: pairs x methods x seeds as jobs, what they cost, running them, gathering their runs.

- :mod:`.settings`: a grid's settings (:class:`~deepdiff.grid.settings.GridConfig`), read from the workflow's
  config, ``--config``/``--set`` or a named grid;
- :mod:`.jobs`: its jobs, each one ``deepdiff`` command, and shards of them;
- :mod:`.costs`: the measured cost of one run (``costs.json``), scaled to a job;
- :mod:`.estimate`: the expected wall time of a whole grid;
- :mod:`.running`: a grid run here, in worker processes, and the results notebook on its runs;
- :mod:`.aggregate`: each job beside the run that completes it, written as tables and a summary.
"""
