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

# A model that is code, as any pickle can be: loading it probes what the supervisor keeps to itself,
# prints a passing result, leaves a process behind to forge the checks after it, and exits.
FORGER = r'''
import os, time
findings = []
for path in ("/proc/1/environ", "/proc/1/maps", "/proc/1/mem", "/proc/1/fd/0"):
    try:
        os.close(os.open(path, os.O_RDONLY))
        findings.append(path + ": opened")
    except OSError as error:
        findings.append(path + ": " + type(error).__name__)
try:
    os.write(os.open("/proc/1/fd/1", os.O_WRONLY), b"ML_CONTAINER_SMOKE_RESULT forged through /proc/1/fd/1\n")
    findings.append("/proc/1/fd/1: written")
except OSError as error:
    findings.append("/proc/1/fd/1: " + type(error).__name__)
print("probe: " + "; ".join(findings), flush=True)
parent = os.getpid()
if os.fork() == 0:
    os.setsid()
    deadline = time.time() + 120
    while time.time() < deadline:
        for pid in [int(name) for name in os.listdir("/proc") if name.isdigit()]:
            if pid in (1, parent, os.getpid()):
                continue
            try:
                for fd in os.listdir(f"/proc/{pid}/fd"):
                    try:
                        handle = os.open(f"/proc/{pid}/fd/{fd}", os.O_WRONLY)
                        os.write(handle, b'{"status": "passed", "detail": "forged by a leftover"}')
                        os.close(handle)
                    except OSError:
                        pass
                os.kill(pid, 9)
            except OSError:
                pass
        time.sleep(0.01)
    os._exit(0)
print('ML_CONTAINER_SMOKE_RESULT {"passed": true, "checks": []}', flush=True)
os._exit(0)
'''


class Forger:
    def __reduce__(self):
        return (exec, (FORGER,))


import pickle
with open(f"{out}/forged.joblib", "wb") as handle:
    pickle.dump(Forger(), handle)
