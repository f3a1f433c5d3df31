"""Trains the bundled model.txt: a small LightGBM classifier on synthetic tabular data (seeded)."""
import lightgbm
import numpy

rng = numpy.random.default_rng(7)
features = rng.normal(size=(400, 4))
labels = ((features[:, 0] + 0.5 * features[:, 1]) > 0).astype(int)
booster = lightgbm.train(
    {"objective": "binary", "verbose": -1, "num_threads": 1, "deterministic": True, "seed": 7},
    lightgbm.Dataset(features, labels),
    num_boost_round=20,
)
booster.save_model("model.txt")
