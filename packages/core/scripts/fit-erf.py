# Fits the two polynomials of the float32 erf/erfc kernels (scripts/wat/math.mjs), as linear
# minimax problems (a linear program over a dense grid; scipy and mpmath):
#   erf x  ≈ x·P(x²)              on [0, 1], relative error;
#   erfc z ≈ t·exp(−z² + S(t))    for z ≥ 0, t = 1/(1 + z/2), absolute error of S
#                                 (the relative error of erfc).
# Development-time only; the coefficients it prints (rounded to float32) are in wat/math.mjs.
# Run: python3 packages/core/scripts/fit-erf.py
import mpmath
import numpy as np
from scipy.optimize import linprog

mpmath.mp.dps = 40


def minimax(columns, target):
    """Coefficients c minimizing max |columns·c − target|, and that maximum."""
    n = columns.shape[1]
    ones = np.ones((len(target), 1))
    a_ub = np.vstack([np.hstack([columns, -ones]), np.hstack([-columns, -ones])])
    b_ub = np.concatenate([target, -target])
    cost = np.zeros(n + 1)
    cost[-1] = 1
    res = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=[(None, None)] * (n + 1), method='highs')
    return res.x[:n], res.x[-1]


# erf x / x on [0, 1] as a degree-5 polynomial in t = x², weighted for relative error.
xs = np.linspace(1e-6, 1, 4000)
f = np.array([float(mpmath.erf(x)) for x in xs])
p, err = minimax(np.stack([xs * (xs * xs) ** i for i in range(6)], 1) / f[:, None], np.ones(len(xs)))
print('P (x² powers 0..5):', [float(np.float32(c)) for c in p], 'relative error', err)

# S(t) = ln(erfc(z)/t) + z², degree 9, over z in [0, 40].
zs = np.concatenate([np.linspace(0, 10, 6000), np.linspace(10, 40, 400)])
ts = 1 / (1 + zs / 2)
g = np.array([float(mpmath.log(mpmath.erfc(z) * (1 + mpmath.mpf(z) / 2)) + mpmath.mpf(z) ** 2) for z in zs])
s, err = minimax(np.stack([ts**i for i in range(10)], 1), g)
print('S (t powers 0..9):', [float(np.float32(c)) for c in s], 'error', err)
