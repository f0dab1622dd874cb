"""Array types shared by the statistics modules."""

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]
# Answers as the estimates take them: float64, or float32 to save memory in a large round.
AnswerMatrix = npt.NDArray[np.float64] | npt.NDArray[np.float32]
