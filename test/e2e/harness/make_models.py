"""Writes one small model of each format the smoke harness loads, with the library that owns the format."""
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy

out = sys.argv[1]
features = numpy.random.default_rng(0).normal(size=(64, 4))
labels = (features[:, 0] > 0).astype(int)

import lightgbm
lightgbm.train({"objective": "binary", "verbose": -1, "min_data_in_leaf": 4}, lightgbm.Dataset(features, labels),
               num_boost_round=3).save_model(f"{out}/lightgbm.txt")

import keras
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2, activation="softmax")])
model.save(f"{out}/classifier.keras")
model.save(f"{out}/legacy.h5")
model.export(f"{out}/savedmodel")

import h5py
with h5py.File(f"{out}/data.h5", "w") as handle:
    handle["values"] = features

import torch
from transformers import BertConfig, BertModel
config = BertConfig(vocab_size=64, hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32)
BertModel(config).save_pretrained(f"{out}/bert-tiny")

net = torch.nn.Sequential(torch.nn.Linear(4, 2))
torch.save(net.state_dict(), f"{out}/state.pt")
torch.jit.script(net).save(f"{out}/scripted.pt")

import joblib
from sklearn.linear_model import LogisticRegression
joblib.dump(LogisticRegression().fit(features, labels), f"{out}/sklearn.joblib")

# A model file cut short, as a failed download leaves it: its loader must fail, not skip.
with open(f"{out}/classifier.keras", "rb") as whole, open(f"{out}/truncated.keras", "wb") as cut:
    cut.write(whole.read()[:4000])
