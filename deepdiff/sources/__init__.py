"""Where a pair's data come from: the real sources (:mod:`.real`: ``remc``, ``sample``, ``local``) and the
one entry point for every source, simulated ones included (:func:`deepdiff.sources.loading.load_pair`).

This package stands above both :mod:`deepdiff.data` (the file format, downloads, caches) and
:mod:`deepdiff.simulate`, and chooses between them.
"""
