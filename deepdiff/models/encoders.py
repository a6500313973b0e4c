"""The two levels of the hierarchy as one building block: bi-LSTM + attention, per row.

Level I reads each input row (one mark of one input: 200 bins, one count per bin) with its own
bidirectional LSTM and attends over bins; Level II reads the sequence of row embeddings with a
bidirectional LSTM and attends over rows. Both are an :class:`AttentiveEncoderBank`: several
independent encoders whose weights are stacked so they run together.
"""

from __future__ import annotations

from torch import Tensor, nn

from deepdiff.models.attention import ContextAttention
from deepdiff.models.config import ModelConfig
from deepdiff.models.recurrent import BiLSTMBank


class AttentiveEncoderBank(nn.Module):
    """Independent encoders (bidirectional LSTM, then context attention), run together.

    Parameters
    ----------
    n_rows : int
        Number of encoders (weight rows).
    input_size : int
        Features per time step.
    hidden_size : int
        LSTM hidden size per direction; embeddings have ``2 * hidden_size`` values.
    """

    def __init__(self, n_rows: int, input_size: int, hidden_size: int) -> None:
        super().__init__()
        self.rnn = BiLSTMBank(n_rows, input_size, hidden_size)
        self.attention = ContextAttention(n_rows, 2 * hidden_size)

    @property
    def n_rows(self) -> int:
        """Number of encoders."""
        return self.rnn.n_rows

    def forward(self, x: Tensor, rows: Tensor | None = None) -> tuple[Tensor, Tensor]:
        """Encode every sequence set with its encoder.

        Parameters
        ----------
        x : Tensor, shape (n_seq, batch, T, input_size)
        rows : LongTensor, shape (n_seq,), optional
            Encoder of each sequence set (several sets may share one); default one each.

        Returns
        -------
        embedding : Tensor, shape (n_seq, batch, 2 * hidden_size)
        attention : Tensor, shape (n_seq, batch, T)
        """
        return self.attention(self.rnn(x, rows), rows)


def level_one(n_rows: int, config: ModelConfig) -> AttentiveEncoderBank:
    """Level I: one encoder per input row, over bins (one count per bin)."""
    return AttentiveEncoderBank(n_rows, 1, config.bin_hidden)


def level_two(n_encoders: int, config: ModelConfig) -> AttentiveEncoderBank:
    """Level II: encoders over the sequence of Level I row embeddings."""
    return AttentiveEncoderBank(n_encoders, config.bin_embedding, config.row_hidden)
