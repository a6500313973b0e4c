"""Context attention: weights sum to one; the hand-written backward passes gradcheck."""

from __future__ import annotations

import torch

from deepdiff.models.attention import ContextAttention, _Attend


def test_weights_and_embedding() -> None:
    attention = ContextAttention(3, 4)
    states = torch.randn(3, 2, 7, 4)
    embedding, weights = attention(states)
    torch.testing.assert_close(weights.sum(-1), torch.ones(3, 2))
    torch.testing.assert_close(embedding, (weights.unsqueeze(-1) * states).sum(2))
    shared, _ = attention(states, torch.tensor([1, 1, 2]))
    torch.testing.assert_close(shared[1:], embedding[1:])


def test_backward_gradcheck() -> None:
    torch.manual_seed(0)
    states = torch.randn(2, 3, 5, 4, dtype=torch.float64, requires_grad=True)
    context = torch.randn(2, 4, dtype=torch.float64, requires_grad=True)
    # Both outputs carry gradient (the attention maps can enter a loss too).
    assert torch.autograd.gradcheck(lambda s, c: _Attend.apply(s, c), (states, context))
