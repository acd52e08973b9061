#!/usr/bin/python3
"""Static checks of deploy/docker/Dockerfile and the examples' Dockerfiles.

No Docker engine runs where the tests do, so the image is never built here;
this reads the Dockerfiles instead and checks what the documentation
promises: the two stages, the unit tests in the build stage, the runtime
packages read from deploy/runtime-packages.txt and nothing else installed,
the programs, config and entry script where ENTRYPOINT expects them, and
STOPSIGNAL/CMD as documented. The entry script's behaviour is tested by
entrypoint_test.sh, and the image's layout is run for real, chrooted, by
rootfs_test.sh image.
"""

import fnmatch
import json
import os
import re
import shlex
import subprocess
import sys

TOP = os.environ.get("WM_TOP") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("WM_BUILD_DIR") or os.path.join(TOP, "build")
WINGMATE = os.path.join(BUILD, "main", "wingmate")

failures = []


def has_check():
    """Whether this wingmate has `check` (its help has its own usage line)."""
    result = subprocess.run([WINGMATE, "check", "--help"], capture_output=True, text=True)
    return result.returncode == 0 and "Usage: wingmate check " in result.stdout


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def instructions(path):
    """(keyword, argument text) per instruction, continuations joined."""
    result, pending = [], ""
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if pending and line.lstrip().startswith("#"):
                continue
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            whole = (pending + line).strip()
            pending = ""
            keyword, _, rest = whole.partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def stages(path):
    """[(image, name, [(keyword, text)...])] per FROM."""
    result = []
    for keyword, text in instructions(path):
        if keyword == "FROM":
            words = text.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            result.append((words[0], name, []))
        elif result:
            result[-1][2].append((keyword, text))
    return result


def copies(body):
    """(options, sources, destination) per COPY."""
    result = []
    for keyword, text in body:
        if keyword != "COPY":
            continue
        words = shlex.split(text)
        options = [w for w in words if w.startswith("--")]
        paths = [w for w in words if not w.startswith("--")]
        result.append((options, paths[:-1], paths[-1]))
    return result


def packages(path):
    names = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            names += line.split("#", 1)[0].split()
    return names


def ignored(path, patterns):
    return any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(path.split("/")[0], p)
               for p in patterns)


def check_context_sources(dockerfile, body, patterns):
    for options, sources, _ in copies(body):
        if any(o.startswith("--from") for o in options):
            continue
        for source in sources:
            relative = source.rstrip("/")
            if relative == ".":
                continue
            check(os.path.exists(os.path.join(TOP, relative)),
                  f"{dockerfile}: COPY {source}: no such file in the checkout")
            check(not ignored(relative, patterns),
                  f"{dockerfile}: COPY {source}: excluded by the .dockerignore")


def main_image():
    dockerfile = os.path.join(TOP, "deploy", "docker", "Dockerfile")
    ignore_file = dockerfile + ".dockerignore"
    patterns = [l.strip() for l in open(ignore_file, encoding="utf-8")
                if l.strip() and not l.startswith("#")]
    found = stages(dockerfile)
    print("stages:", [(image, name) for image, name, _ in found])
    if not check([(i, n) for i, n, _ in found] ==
                 [("debian:bookworm", "build"), ("debian:bookworm-slim", "runtime")],
                 "the Dockerfile must have exactly the stages "
                 "'debian:bookworm AS build' and 'debian:bookworm-slim AS runtime'"):
        return
    build, runtime = found[0][2], found[1][2]

    # build stage: dependencies from the shared list, build, unit tests only.
    build_runs = " && ".join(t for k, t in build if k == "RUN")
    build_copies = [s for _, sources, _ in copies(build) for s in sources]
    check("deploy/build-packages.txt" in build_copies
          and "install-deps.sh deploy/build-packages.txt" in build_runs,
          "build stage: the build dependencies must come from deploy/build-packages.txt "
          "through scripts/install-deps.sh")
    check(re.search(r"\bctest\b[^&]*-L unit\b", build_runs) is not None,
          "build stage: must run the unit tests (ctest -L unit)")
    check(not re.search(r"-L\s+(e2e|actor|deploy)|ctest(?![^&]*-L)", build_runs),
          "build stage: must run only the unit tier (no e2e: an image build "
          "cannot make PID namespaces)")
    install = re.search(r"cmake --install \S+ --prefix (\S+)", build_runs)
    check(install is not None, "build stage: must cmake --install the programs")

    # runtime stage: packages only from the list, the programs, config, entry.
    run_texts = [t for k, t in runtime if k == "RUN"]
    runtime_copies = copies(runtime)
    list_copied = any("deploy/runtime-packages.txt" in s for _, s, _ in runtime_copies)
    check(list_copied, "runtime stage: must COPY deploy/runtime-packages.txt")
    check(any(re.search(r"install-deps\.sh \S*runtime-packages\.txt", t) for t in run_texts),
          "runtime stage: must install the packages of runtime-packages.txt with "
          "install-deps.sh")
    for text in run_texts:
        check(not re.search(r"apt(-get)? +install", text),
              f"runtime stage: installs packages outside the shared list: RUN {text}")
    check(any("/var/lib/apt/lists" in t for t in run_texts),
          "runtime stage: must remove /var/lib/apt/lists after installing")
    from_build = [(s, d) for o, s, d in runtime_copies if "--from=build" in o]
    if install and check(len(from_build) == 1, "runtime stage: one COPY --from=build"):
        sources, destination = from_build[0]
        check(sources == [install.group(1) + "/bin/"] and destination == "/usr/local/bin/",
              "runtime stage: must copy the installed bin/ of the build stage to "
              f"/usr/local/bin/, not {sources} -> {destination}")
    config = [s for _, s, d in runtime_copies if d.rstrip("/") == "/etc/wingmate"]
    check(config == [["deploy/docker/config/"]],
          "runtime stage: must COPY deploy/docker/config/ to /etc/wingmate/")
    entry_copy = [(s, d) for _, s, d in runtime_copies if s == ["deploy/docker/entrypoint.sh"]]
    values = {}
    for keyword, text in runtime:
        values[keyword] = text
    check("ENTRYPOINT" in values and "CMD" in values and "STOPSIGNAL" in values,
          "runtime stage: must set ENTRYPOINT, CMD and STOPSIGNAL")
    entrypoint = json.loads(values.get("ENTRYPOINT", "null"))
    check(isinstance(entrypoint, list) and len(entrypoint) == 1,
          "ENTRYPOINT must be the exec form naming the entry script alone")
    if entry_copy and isinstance(entrypoint, list):
        check(entry_copy[0][1] == entrypoint[0],
              f"ENTRYPOINT {entrypoint} is not where the entry script is copied "
              f"({entry_copy[0][1]})")
    else:
        check(False, "runtime stage: must COPY deploy/docker/entrypoint.sh")
    check(os.access(os.path.join(TOP, "deploy/docker/entrypoint.sh"), os.X_OK),
          "deploy/docker/entrypoint.sh must be executable (COPY keeps the mode)")
    check(json.loads(values.get("CMD", "null")) == [],
          "CMD must be [] (no arguments: the entry script runs wingmate)")
    check(values.get("STOPSIGNAL") == "SIGTERM", "STOPSIGNAL must be SIGTERM")
    check(found[-1][1] == "runtime", "the last stage (the default target) must be runtime")

    check_context_sources("deploy/docker/Dockerfile", build + runtime, patterns)
    check(ignored("build/CMakeCache.txt", patterns) and ignored(".git", patterns),
          "the .dockerignore must keep build directories and .git out of the context")

    # The example config the image runs when given no arguments.
    if os.access(WINGMATE, os.X_OK):
        check_config(os.path.join(TOP, "deploy", "docker", "config"))


def check_config(directory):
    if not has_check():
        print(f"note: this wingmate has no 'check'; {directory} not validated")
        return
    result = subprocess.run([WINGMATE, "check", "-c", directory],
                            capture_output=True, text=True, timeout=30)
    check(result.returncode == 0,
          f"wingmate check -c {directory} failed:\n{result.stderr}")


def example_images():
    rootfs = open(os.path.join(TOP, "test", "deploy", "rootfs.sh"), encoding="utf-8").read()
    tested = re.search(r'^WM_EXAMPLE_PACKAGES="([^"]*)"', rootfs, re.M).group(1).split()
    examples = os.path.join(TOP, "deploy", "examples")
    for name in sorted(os.listdir(examples)):
        dockerfile = os.path.join(examples, name, "Dockerfile")
        if not os.path.exists(dockerfile):
            continue
        label = f"deploy/examples/{name}/Dockerfile"
        found = stages(dockerfile)
        check(len(found) == 1 and found[0][0] == "${WINGMATE_IMAGE}",
              f"{label}: must be one stage FROM ${{WINGMATE_IMAGE}} (the wingmate image)")
        body = found[0][2] if found else []
        check(any(s == [f"deploy/examples/{name}/"] and d == "/etc/wingmate/"
                  for _, s, d in copies(body)),
              f"{label}: must COPY deploy/examples/{name}/ to /etc/wingmate/")
        for keyword, text in body:
            match = re.search(r"apt-get install ((?:-\S+ )*)([^&]*)", text)
            if keyword == "RUN" and match:
                for package in match.group(2).split():
                    check(package in tested,
                          f"{label}: installs {package}, which the rootfs tests do not "
                          "(WM_EXAMPLE_PACKAGES in test/deploy/rootfs.sh)")
        check_context_sources(label, body, [])


def documented():
    docs = ""
    for name in ("README.md",):
        path = os.path.join(TOP, name)
        if os.path.exists(path):
            docs += open(path, encoding="utf-8").read()
    for needle in ('ENTRYPOINT ["/usr/local/bin/wingmate-entrypoint"]', "CMD []",
                   "STOPSIGNAL SIGTERM", "docker build -t wingmate -f deploy/docker/Dockerfile ."):
        check(needle in docs, f"README.md does not "
                              f"show {needle!r}")


main_image()
example_images()
documented()
for failure in failures:
    print("FAIL:", failure, file=sys.stderr)
print(f"{'failed' if failures else 'passed'}: Dockerfile checks ({len(failures)} failures)")
sys.exit(1 if failures else 0)
