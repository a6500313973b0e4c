"""One run of one method: what the method is (:mod:`.method`: :class:`~deepdiff.runs.method.Method`, its
run options and the fitter protocol) and the template every fitter follows (:mod:`.template`: plan the
run, reuse a complete cached result, or fit and write the result directory).

The fitting code (:mod:`deepdiff.training`, :mod:`deepdiff.baselines`) builds on this package; the
registry that names every method (:mod:`deepdiff.methods`) stands above them all.
"""
