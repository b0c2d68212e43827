"""The λ after λ of a path, solved on glmnet's strong-rule set of columns when there are many.

Only the columns that can enter are handed to the solver (their X'WX alone is formed);
the full gradient then checks that no other column violates its KKT condition.
"""

from __future__ import annotations

import numpy as np

from ..core.penalties import PenaltyWeights
from .point import PathState, path_point

__all__ = ["PathSolver", "SCREEN_COLUMNS"]

# Screen with strong rules above this many columns: below it the full X'WX is cheap.
SCREEN_COLUMNS = 40


class PathSolver:
    """Solve one λ after another from the last answer, screening columns on wide data.

    Tibshirani et al.'s (2012) sequential strong rule keeps column j at λ_k when
    |∇_j| ≥ l1_j·(2 − λ_{k−1}/λ_k) (∇ the mean cost's gradient at the last answer),
    and always the columns already nonzero and the unpenalised ones. The point is
    solved on those columns; any other column whose |∇_j| exceeds l1_j at the answer
    joins, and the point is solved again (the rule can miss; the check cannot).

    Parameters
    ----------
    problem : glmnet_bridge.engines.memory.MemoryEngine
    state : PathState
        The path's first state (the null model), over every parameter.
    tol, expected
        As for :func:`glmnet_bridge.glmnet.point.path_point`.
    screen : bool, optional
        Default: when there are more than ``SCREEN_COLUMNS`` input columns.
    """

    def __init__(self, problem, state, *, tol=1e-9, expected=False, screen=None):
        self.problem, self.tol, self.expected = problem, tol, expected
        self.state = state
        self.intercept = bool(problem.intercept)
        p = problem.k - int(self.intercept)
        self.screen = p > SCREEN_COLUMNS if screen is None else screen
        self.beta, self.grad = state.beta.copy(), state.grad.copy()
        self.lam, self.sub, self.sub_state, self.keep = None, None, None, None
        self.ever = np.zeros(len(self.beta), dtype=bool)

    def solve(self, pw, lam):
        """Return the :class:`~glmnet_bridge.solvers.result.SolverResult` at λ (over all β)."""
        if not self.screen:
            res, self.state = path_point(self.problem, pw, self.state, tol=self.tol,
                                         expected=self.expected)
            return res
        n = self.problem.total_weight
        ratio = 1.0 if self.lam is None else self.lam / lam
        strong = np.abs(self.grad / n) >= pw.l1 * (2.0 - ratio)
        # The columns ever nonzero stay (glmnet's ever-active set): fewer set changes,
        # each of which costs a fresh X'WX on the new set.
        self.ever |= self.beta != 0
        keep = strong | self.ever | (pw.l1 == 0)
        while True:
            res = self._solve_on(np.flatnonzero(keep), pw)
            beta = np.zeros_like(self.beta)
            beta[self.keep] = res.beta
            _, grad, _ = self.problem.evaluate(beta, order=1, expected=self.expected,
                                               value=False)
            late = ~keep & (np.abs(grad / n) > pw.l1 * (1.0 + 1e-9))
            if not late.any():
                break
            keep |= late
            self.beta = beta
        self.beta, self.grad, self.lam = beta, grad, lam
        res.beta, res.gradient = beta, grad
        return res

    def _solve_on(self, idx, pw):
        """Solve at this λ on the parameters ``idx`` (the bias first, if any)."""
        keep = np.zeros(len(self.beta), dtype=bool)
        keep[idx] = True
        sub_pw = PenaltyWeights(pw.l1[idx], pw.l2[idx])
        if self.keep is None or not np.array_equal(keep, self.keep):
            cols = idx[int(self.intercept):] - int(self.intercept)
            self.sub = self.problem.columns(cols)
            f, g, H = self.sub.evaluate(self.beta[idx], order=2, expected=self.expected)
            self.sub_state = PathState(self.beta[idx], f, g, H)
            self.keep = keep
        res, self.sub_state = path_point(self.sub, sub_pw, self.sub_state, tol=self.tol,
                                         expected=self.expected)
        return res
