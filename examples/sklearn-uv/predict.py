"""Predicts the iris species from four measurements in centimetres.

    python predict.py 5.1 3.5 1.4 0.2     ->  setosa
"""
import json
import sys
from pathlib import Path

import joblib

MODEL = Path(__file__).with_name("model.joblib")


def predict(features: list[float]) -> str:
    model = joblib.load(MODEL)
    index = int(model.predict([features])[0])
    return model.target_names_[index]


if __name__ == "__main__":
    measurements = [float(value) for value in sys.argv[1:]] or [5.1, 3.5, 1.4, 0.2]
    if len(measurements) != 4:
        sys.exit("usage: predict.py SEPAL_LENGTH SEPAL_WIDTH PETAL_LENGTH PETAL_WIDTH")
    print(json.dumps({"species": predict(measurements)}))
