"""Our results beside the paper's: each module one job.

=================  ================================================================================
module             job
=================  ================================================================================
``paper``          the paper's numbers and claims, as data with citations (nothing computed)
``context``        contexts (data source × budget) and the evidence an evaluation rests on
``bootstrap``      test PCC of every method of a pair on shared bootstrap resamples
``claims``         the claims of Section 4.3 decided on our results
``table1``         our Table 1 beside the paper's
``figure4``        the data of our Figure 4
``figure5``        Figure 5's claims about mark-level attention
``status``         the status page: every result of the paper with its status
``runs``           tables of runs: intervals, a pair's runs, paired comparisons, coverage
``lfc``            the real log fold changes of the paper's pairs
``data_checks``    checks and summaries of a pair's data
``plots``          every figure, each labelled with its data source, budget and seeds
=================  ================================================================================

Results are compared only within one context, and nothing here counts simulated data, the real
sample or a reduced budget as a reproduction of the paper.
"""
