"""Scores two fixed rows with the bundled model and prints the probabilities as JSON."""
import json

import lightgbm
import numpy

booster = lightgbm.Booster(model_file="model.txt")
rows = numpy.array([[1.0, 0.5, 0.0, 0.0], [-1.0, -0.5, 0.0, 0.0]])
print(json.dumps({"probabilities": [round(float(p), 6) for p in booster.predict(rows)]}))
