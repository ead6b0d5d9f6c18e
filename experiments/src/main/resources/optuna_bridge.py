"""Optuna ask/tell over JSON lines on stdin/stdout, for Infertune's benchmark (OptunaStrategy).

Written for Optuna 3.1 (Debian's python3-optuna). One request per line, one reply per line:

  {"cmd": "create", "space": [...], "direction": "minimize"|"maximize",
   "sampler": "tpe"|"tpe-multivariate"|"cmaes"|"random", "seed": 1, "n_startup_trials": 5,
   "constrained": false}
      space items: {"name", "type": "float", "low", "high", "log"}
                   {"name", "type": "int", "low", "high", "step", "log"}
                   {"name", "type": "categorical", "choices": [...]}
      -> {"ok": true}
  {"cmd": "ask"}                                   -> {"ok": true, "number": n, "params": {...}}
  {"cmd": "tell", "number": n, "value": v}         -> {"ok": true}
  {"cmd": "tell", "number": n, "value": v, "constraints": [c1, ...]}   (c <= 0 means satisfied)
  {"cmd": "tell", "number": n, "failed": true}     -> {"ok": true}
  {"cmd": "add", "params": {...}, "value": v | "failed": true}  (a trial Optuna never proposed)
  {"cmd": "close"}                                 -> {"ok": true}, then exit

Errors reply {"ok": false, "error": "..."} and the server keeps reading.
"""
import json
import sys
import warnings

warnings.filterwarnings("ignore")

import optuna  # noqa: E402
from optuna.distributions import (  # noqa: E402
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from optuna.trial import TrialState  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)


def distribution(p):
    t = p["type"]
    if t == "float":
        return FloatDistribution(float(p["low"]), float(p["high"]), log=bool(p.get("log", False)))
    if t == "int":
        return IntDistribution(
            int(p["low"]), int(p["high"]), log=bool(p.get("log", False)), step=int(p.get("step", 1))
        )
    if t == "categorical":
        return CategoricalDistribution(p["choices"])
    raise ValueError("unknown parameter type " + repr(t))


def constraints_of(frozen_trial):
    return frozen_trial.user_attrs.get("constraints", [0.0])


# Samplers that take constraints in Optuna 3.1 (TPESampler's constraints_func is experimental
# there). The others are told an infeasible trial as FAIL.
CONSTRAINED = ("tpe", "tpe-multivariate")


def sampler_of(name, seed, n_startup, constrained):
    cf = constraints_of if constrained else None
    if name == "tpe":
        return optuna.samplers.TPESampler(
            n_startup_trials=n_startup, seed=seed, constraints_func=cf
        )
    if name == "tpe-multivariate":
        return optuna.samplers.TPESampler(
            multivariate=True, n_startup_trials=n_startup, seed=seed, constraints_func=cf
        )
    if name == "cmaes":
        # Categorical parameters (and a single numeric one) are sampled by the independent
        # sampler (RandomSampler), as Optuna's CmaEsSampler does.
        return optuna.samplers.CmaEsSampler(
            n_startup_trials=n_startup, seed=seed, warn_independent_sampling=False
        )
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    raise ValueError("unknown sampler " + repr(name))


def main():
    study = None
    dists = None
    trials = {}
    takes_constraints = False
    out = sys.stdout
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            cmd = req.get("cmd")
            reply = {"ok": True}
            if cmd == "create":
                dists = {p["name"]: distribution(p) for p in req["space"]}
                constrained = bool(req.get("constrained", False))
                takes_constraints = constrained and req["sampler"] in CONSTRAINED
                sampler = sampler_of(
                    req["sampler"],
                    req.get("seed"),
                    int(req.get("n_startup_trials", 10)),
                    takes_constraints,
                )
                study = optuna.create_study(direction=req["direction"], sampler=sampler)
            elif cmd == "ask":
                trial = study.ask(fixed_distributions=dists)
                trials[trial.number] = trial
                reply["number"] = trial.number
                reply["params"] = trial.params
            elif cmd == "tell":
                trial = trials.pop(int(req["number"]))
                cons = req.get("constraints")
                if req.get("failed") or (
                    cons is not None and not takes_constraints and any(c > 0 for c in cons)
                ):
                    study.tell(trial, state=TrialState.FAIL)
                else:
                    if cons is not None and takes_constraints:
                        trial.set_user_attr("constraints", [float(c) for c in cons])
                    study.tell(trial, float(req["value"]))
            elif cmd == "add":
                params = req["params"]
                ds = {k: dists[k] for k in params if k in dists}
                params = {k: params[k] for k in ds}
                cons = req.get("constraints")
                if req.get("failed") or (
                    cons is not None and not takes_constraints and any(c > 0 for c in cons)
                ):
                    t = optuna.trial.create_trial(
                        params=params, distributions=ds, state=TrialState.FAIL
                    )
                else:
                    attrs = {"constraints": [float(c) for c in cons]} if cons is not None else {}
                    t = optuna.trial.create_trial(
                        params=params, distributions=ds, value=float(req["value"]), user_attrs=attrs
                    )
                study.add_trial(t)
            elif cmd == "close":
                out.write(json.dumps(reply) + "\n")
                out.flush()
                return
            else:
                raise ValueError("unknown command " + repr(cmd))
        except Exception as e:  # reported to the caller, who decides
            reply = {"ok": False, "error": type(e).__name__ + ": " + str(e)}
        out.write(json.dumps(reply) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
