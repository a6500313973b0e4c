"""The recurrence the models run on, and its compiled kernel.

* :mod:`~deepdiff.models.kernels.recurrent`: the bank of bidirectional LSTMs (``BiLSTMBank``),
  its PyTorch and compiled autograd functions, and the choice of backend;
* :mod:`~deepdiff.models.kernels.native`: building ``bilstm.c`` (the C source, shipped with the
  package) on first use, and its ctypes binding;
* :mod:`~deepdiff.models.kernels.workspace`: work buffers the compiled encoder reuses.
"""
