#!/usr/bin/python3
"""The orchestrator manifests: deploy/k8s/*.yaml and deploy/compose.yaml.

They must parse as YAML, use the image that deploy/docker/Dockerfile builds,
name the probe command and the grace period that the documentation gives,
keep wingmate PID 1 (no shared process namespace, no Docker init), and give
wingmate enough time to stop: the longest stop_timeout of the config they
run + 2 s of final sweep + 3 s for processes stuck in the kernel. The
ConfigMap's config must pass `wingmate check`.
"""

import json
import os
import subprocess
import sys
import tempfile

import yaml

TOP = os.environ.get("WM_TOP") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("WM_BUILD_DIR") or os.path.join(TOP, "build")
WINGMATE = os.path.join(BUILD, "main", "wingmate")

PROBE = ["wingmate", "status", "--check", "--timeout", "3"]
GRACE = 15
SWEEP = 2 + 3  # TERM to what is left, KILL 2 s later, 3 s for the kernel

failures = []


def has_check():
    """Whether this wingmate has `check` (its help has its own usage line)."""
    result = subprocess.run([WINGMATE, "check", "--help"], capture_output=True, text=True)
    return result.returncode == 0 and "Usage: wingmate check " in result.stdout


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def load_all(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def docs():
    text = ""
    for name in ("README.md",):
        path = os.path.join(TOP, name)
        if os.path.exists(path):
            text += open(path, encoding="utf-8").read()
    return text


def effective_config(directory):
    """wingmate check's JSON for a config directory, or None without check."""
    if not has_check():
        print(f"note: this wingmate has no 'check'; {directory} not validated")
        return None
    result = subprocess.run([WINGMATE, "check", "-c", directory],
                            capture_output=True, text=True, timeout=30)
    if not check(result.returncode == 0,
                 f"wingmate check of the ConfigMap's config failed:\n{result.stderr}"):
        return None
    return json.loads(result.stdout)


def longest_stop(config):
    if config is None:
        return 5.0
    return max([s["stop_timeout"] for s in config.get("service", {}).values()] + [0])


def kubernetes():
    documents = []
    k8s = os.path.join(TOP, "deploy", "k8s")
    for name in sorted(os.listdir(k8s)):
        if name.endswith(".yaml"):
            documents += load_all(os.path.join(k8s, name))
    kinds = {d.get("kind"): d for d in documents}
    check("Deployment" in kinds and "ConfigMap" in kinds,
          "deploy/k8s must hold a Deployment and a ConfigMap")
    deployment, configmap = kinds.get("Deployment"), kinds.get("ConfigMap")
    if not deployment or not configmap:
        return
    pod = deployment["spec"]["template"]["spec"]
    check(deployment["spec"]["selector"]["matchLabels"].items()
          <= deployment["spec"]["template"]["metadata"]["labels"].items(),
          "the Deployment's selector does not match its pod labels")
    check(pod.get("shareProcessNamespace") is not True,
          "shareProcessNamespace would make the pause process PID 1, not wingmate")
    containers = pod["containers"]
    check(len(containers) == 1, "one container: wingmate supervises the rest")
    container = containers[0]
    check(container["image"] == "wingmate:latest",
          f"the container runs {container['image']}, not the documented wingmate:latest")
    check("command" not in container and "args" not in container,
          "the container must keep the image's ENTRYPOINT and CMD")
    probe = container.get("livenessProbe", {}).get("exec", {}).get("command")
    check(probe == PROBE, f"the liveness probe runs {probe}, not {PROBE}")
    probe_timeout = container["livenessProbe"].get("timeoutSeconds", 1)
    check(probe_timeout > int(PROBE[-1]),
          f"the probe's timeoutSeconds ({probe_timeout}) must exceed its --timeout")
    grace = pod.get("terminationGracePeriodSeconds")
    check(grace == GRACE, f"terminationGracePeriodSeconds is {grace}, not {GRACE}")

    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    mounts = {m["mountPath"]: m for m in container.get("volumeMounts", [])}
    mount = mounts.get("/etc/wingmate")
    check(mount is not None and
          volumes.get(mount["name"], {}).get("configMap", {}).get("name")
          == configmap["metadata"]["name"],
          "the ConfigMap must be mounted at /etc/wingmate")
    with tempfile.TemporaryDirectory() as directory:
        for key, value in configmap["data"].items():
            with open(os.path.join(directory, key), "w", encoding="utf-8") as f:
                f.write(value)
        config = effective_config(directory)
    stop = longest_stop(config)
    check(grace is not None and grace >= stop + SWEEP + 1,
          f"terminationGracePeriodSeconds {grace} leaves no room after the longest "
          f"stop_timeout ({stop} s) + {SWEEP} s")
    print(f"kubernetes: probe {' '.join(probe or [])}, grace {grace} s, "
          f"longest stop_timeout {stop} s")


def compose():
    path = os.path.join(TOP, "deploy", "compose.yaml")
    documents = load_all(path)
    if not check(len(documents) == 1, "deploy/compose.yaml must be one YAML document"):
        return
    services = documents[0].get("services", {})
    if not check(len(services) == 1, "deploy/compose.yaml: one service"):
        return
    (name, service), = services.items()
    check(service.get("init") is False,
          f"compose service {name}: init must be false (Docker's init would be PID 1)")
    check(service.get("stop_grace_period") == f"{GRACE}s",
          f"compose service {name}: stop_grace_period is {service.get('stop_grace_period')}, "
          f"not {GRACE}s")
    check(service.get("stop_signal", "SIGTERM") == "SIGTERM",
          f"compose service {name}: stop_signal must be SIGTERM, like the image")
    check(service.get("image") == "wingmate:latest",
          f"compose service {name}: image must be wingmate:latest")
    build = service.get("build", {})
    context = os.path.normpath(os.path.join(TOP, "deploy", build.get("context", ".")))
    check(context == TOP and build.get("dockerfile") == "deploy/docker/Dockerfile",
          f"compose service {name}: must build deploy/docker/Dockerfile from the top")
    test = service.get("healthcheck", {}).get("test")
    check(test == ["CMD"] + PROBE, f"compose service {name}: healthcheck runs {test}")
    for volume in service.get("volumes", []):
        source = volume.split(":")[0]
        if source.startswith("."):
            check(os.path.isdir(os.path.join(TOP, "deploy", source)),
                  f"compose service {name}: mounts {source}, which does not exist")
    print(f"compose: init false, stop_grace_period {service.get('stop_grace_period')}")


def documentation():
    text = docs()
    for needle in ("`" + " ".join(PROBE) + "`", f"terminationGracePeriodSeconds: {GRACE}",
                   f"stop_grace_period: {GRACE}s", "init: false"):
        check(needle in text,
              f"README.md does not show {needle}")


kubernetes()
compose()
documentation()
for failure in failures:
    print("FAIL:", failure, file=sys.stderr)
print(f"{'failed' if failures else 'passed'}: manifests ({len(failures)} failures)")
sys.exit(1 if failures else 0)
