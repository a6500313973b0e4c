"""Trained models applied to new cells: the cells to predict, predictions.

The models come from their run directories (:func:`deepdiff.training.saved.load_model`).

:mod:`~deepdiff.apply.cells`   cells to predict, read from REMC-format files (no split or expression needed)
:mod:`~deepdiff.apply.predict` :func:`predict`: a trained model on two cells, with attention and metrics
:mod:`~deepdiff.apply.output`  a prediction directory, written atomically

Modules are imported on first use (torch is heavy).
"""
