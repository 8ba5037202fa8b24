#!/usr/bin/env python3
"""Static checks of deploy/ that no stock tool does for us (deploy/validate.sh runs this).

- The Kubernetes manifests parse, and hold together: selectors match pod labels, Services
  and probes name ports that exist, every secretKeyRef/configMapKeyRef names a key that
  secret.example.yaml / kustomization.yaml define, every container runs unprivileged with a
  read-only root filesystem (and a writable /tmp for tsx), has requests and a memory
  limit, the overlord runs two replicas, the worker has startup, readiness and liveness
  probes, and serves /metrics on its own "metrics" port (--metrics-listen), which no Service
  carries and prometheus-kubernetes.yml scrapes.
- Every DEX_WORKER_* / DEX_OVERLORD_* / DEXCTL_* variable named in the manifests and the
  systemd environment files is one the programs read: compared with what their --help
  prints (`--help-dir` holds dex-worker.txt, dex-overlord.txt, dexctl.txt).

Usage: check_config.py --help-dir DIR [--rendered FILE]   (FILE: `kubectl kustomize` output)
       check_config.py --print-readiness-script           (the worker's readiness probe script)
Needs PyYAML (Debian: python3-yaml).
"""

import argparse
import pathlib
import re
import sys

import yaml

DEPLOY = pathlib.Path(__file__).resolve().parent.parent
K8S = DEPLOY / "k8s"
SYSTEMD = DEPLOY / "systemd"
PREFIXES = {"DEX_WORKER_": "dex-worker", "DEX_OVERLORD_": "dex-overlord", "DEXCTL_": "dexctl"}

problems: list[str] = []


def problem(where: str, text: str) -> None:
    problems.append(f"{where}: {text}")


def load_manifests() -> list[dict]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for doc in yaml.safe_load_all(path.read_text()):
            if doc is not None:
                doc["__file"] = path.name
                docs.append(doc)
    return docs


def known_variables(help_dir: pathlib.Path) -> dict[str, set[str]]:
    known = {}
    for program in PREFIXES.values():
        text = (help_dir / f"{program}.txt").read_text()
        known[program] = set(re.findall(r"\benv ([A-Z0-9_]+)", text))
        if not known[program]:
            problem(f"{program} --help", "lists no environment variables (has its format changed?)")
    return known


def check_variable(where: str, name: str, known: dict[str, set[str]]) -> None:
    for prefix, program in PREFIXES.items():
        if name.startswith(prefix):
            if name not in known[program]:
                problem(where, f"{name} is not a variable {program} reads (see {program} --help)")
            return


def label_match(selector: dict, labels: dict) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def check_container(where: str, c: dict, volumes: dict, known, secret_keys, config_keys, init: bool) -> None:
    sc = c.get("securityContext", {})
    if sc.get("allowPrivilegeEscalation") is not False:
        problem(where, "allowPrivilegeEscalation must be false")
    if sc.get("readOnlyRootFilesystem") is not True:
        problem(where, "readOnlyRootFilesystem must be true")
    if "ALL" not in sc.get("capabilities", {}).get("drop", []):
        problem(where, "must drop ALL capabilities")
    res = c.get("resources", {})
    if "memory" not in res.get("requests", {}) or "memory" not in res.get("limits", {}):
        problem(where, "needs a memory request and a memory limit")
    if not c.get("image"):
        problem(where, "has no image")
    for env in c.get("env", []):
        check_variable(where, env["name"], known)
        ref = env.get("valueFrom", {})
        if "secretKeyRef" in ref:
            r = ref["secretKeyRef"]
            if r.get("name") != "dex" or r.get("key") not in secret_keys:
                problem(where, f"{env['name']} reads secret {r.get('name')}/{r.get('key')}, which secret.example.yaml does not define")
        if "configMapKeyRef" in ref:
            r = ref["configMapKeyRef"]
            if r.get("name") != "dex-config" or r.get("key") not in config_keys:
                problem(where, f"{env['name']} reads config map {r.get('name')}/{r.get('key')}, which kustomization.yaml does not generate")
    if init:
        return
    # tsx writes its transform cache under $TMPDIR (/tmp): with a read-only root it must be a volume.
    mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
    if "/tmp" not in mounts or "emptyDir" not in volumes.get(mounts["/tmp"], {}):
        problem(where, "needs an emptyDir at /tmp (tsx writes its cache there)")
    ports = {p.get("name") for p in c.get("ports", [])}
    for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
        probe = c.get(kind)
        if probe is None:
            problem(where, f"has no {kind}")
            continue
        port = probe.get("httpGet", {}).get("port")
        if port is not None and port not in ports:
            problem(where, f"{kind} probes port {port!r}, which the container does not declare")


def check_k8s(known, rendered: pathlib.Path | None) -> None:
    docs = load_manifests()
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    for resource in kustomization.get("resources", []):
        if not (K8S / resource).exists():
            problem("kustomization.yaml", f"lists {resource}, which does not exist")
    if "secret.example.yaml" in kustomization.get("resources", []):
        problem("kustomization.yaml", "must not apply secret.example.yaml (it would overwrite the real secrets)")
    config_keys = set()
    for generator in kustomization.get("configMapGenerator", []):
        if generator.get("name") == "dex-config":
            config_keys |= {literal.split("=", 1)[0] for literal in generator.get("literals", [])}
    secrets = [d for d in docs if d.get("kind") == "Secret"]
    secret_keys = set()
    for s in secrets:
        secret_keys |= set((s.get("stringData") or {}).keys()) | set((s.get("data") or {}).keys())
        for key, value in (s.get("stringData") or {}).items():
            if value:
                problem(s["__file"], f"secret {key} has a value: the example must carry no secret")

    deployments = {d["metadata"]["name"]: d for d in docs if d.get("kind") == "Deployment"}
    for name in ("dex-worker", "dex-overlord"):
        if name not in deployments:
            problem("k8s", f"no Deployment {name}")
    for name, d in deployments.items():
        where = f"{d['__file']} Deployment {name}"
        spec = d["spec"]
        pod = spec["template"]["spec"]
        labels = spec["template"]["metadata"].get("labels", {})
        if not label_match(spec["selector"]["matchLabels"], labels):
            problem(where, "selector does not match the pod labels")
        psc = pod.get("securityContext", {})
        if psc.get("runAsNonRoot") is not True or not psc.get("runAsUser"):
            problem(where, "pods must run as a non-root user")
        if psc.get("seccompProfile", {}).get("type") != "RuntimeDefault":
            problem(where, "pods need the RuntimeDefault seccomp profile")
        if pod.get("automountServiceAccountToken") is not False:
            problem(where, "automountServiceAccountToken must be false (dex does not talk to the API server)")
        if pod.get("enableServiceLinks") is not False:
            problem(where, "enableServiceLinks must be false (Service variables land in the DEX_* namespace)")
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        for c in pod.get("initContainers", []):
            check_container(f"{where} init container {c['name']}", c, volumes, known, secret_keys, config_keys, init=True)
        for c in pod["containers"]:
            check_container(f"{where} container {c['name']}", c, volumes, known, secret_keys, config_keys, init=False)
    overlord = deployments.get("dex-overlord")
    if overlord is not None and overlord["spec"].get("replicas") != 2:
        problem("overlord.yaml", "the overlord runs 2 replicas: a leader and a standby")

    for s in (d for d in docs if d.get("kind") == "Service"):
        where = f"{s['__file']} Service {s['metadata']['name']}"
        targets = [d for d in deployments.values() if label_match(s["spec"]["selector"], d["spec"]["template"]["metadata"]["labels"])]
        if len(targets) != 1:
            problem(where, f"selects {len(targets)} Deployments, not 1")
            continue
        ports = {p.get("name") for c in targets[0]["spec"]["template"]["spec"]["containers"] for p in c.get("ports", [])}
        for port in s["spec"]["ports"]:
            if port.get("targetPort") not in ports:
                problem(where, f"targetPort {port.get('targetPort')!r} is not a container port")
    check_worker_metrics_port(deployments.get("dex-worker"), [d for d in docs if d.get("kind") == "Service"])
    for pdb in (d for d in docs if d.get("kind") == "PodDisruptionBudget"):
        where = f"{pdb['__file']} PodDisruptionBudget {pdb['metadata']['name']}"
        selector = pdb["spec"]["selector"]["matchLabels"]
        if not any(label_match(selector, d["spec"]["template"]["metadata"]["labels"]) for d in deployments.values()):
            problem(where, "selects no Deployment")

    if rendered is not None:
        kinds = sorted(f"{d['kind']}/{d['metadata']['name']}" for d in yaml.safe_load_all(rendered.read_text()) if d)
        print("  kubectl kustomize renders: " + ", ".join(kinds))
        if not any(k.startswith("ConfigMap/dex-config-") for k in kinds):
            problem("kubectl kustomize", "no generated dex-config ConfigMap")


def check_worker_metrics_port(worker: dict | None, services: list[dict]) -> None:
    """The worker serves /metrics on its own port (--metrics-listen), which the pods declare as
    "metrics", no Service carries, and Prometheus's Kubernetes job scrapes."""
    if worker is None:
        return
    where = "worker.yaml Deployment dex-worker"
    container = worker["spec"]["template"]["spec"]["containers"][0]
    listen = next((e.get("value") for e in container.get("env", []) if e["name"] == "DEX_WORKER_METRICS_LISTEN"), None)
    declared = {p.get("name"): p.get("containerPort") for p in container.get("ports", [])}
    match = re.fullmatch(r"http://[^/:]+:(\d+)", listen or "")
    if match is None:
        problem(where, f"DEX_WORKER_METRICS_LISTEN must be http://host:port, not {listen!r}")
    elif declared.get("metrics") != int(match.group(1)):
        problem(where, f"DEX_WORKER_METRICS_LISTEN's port {match.group(1)} is not the container port named 'metrics' ({declared.get('metrics')})")
    labels = worker["spec"]["template"]["metadata"]["labels"]
    for s in services:
        if not label_match(s["spec"]["selector"], labels):
            continue
        for port in s["spec"]["ports"]:
            if port.get("targetPort") in ("metrics", declared.get("metrics")):
                problem(f"{s['__file']} Service {s['metadata']['name']}", "carries the worker's metrics port: scrape the pods instead")
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus-kubernetes.yml").read_text())
    job = next((j for j in config["scrape_configs"] if j["job_name"] == "dex-worker"), {})
    port_rule = [r for r in job.get("relabel_configs", []) if r.get("source_labels") == ["__meta_kubernetes_pod_container_port_name"]]
    if job.get("metrics_path") != "/metrics" or [r.get("regex") for r in port_rule] != ["metrics"]:
        problem("prometheus-kubernetes.yml", "the dex-worker job must scrape /metrics on the pods' port named 'metrics'")


def check_env_files(known) -> None:
    for path in sorted(SYSTEMD.glob("*.env.example")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = re.match(r"^#?([A-Z][A-Z0-9_]*)=", line)
            if match:
                check_variable(f"{path.name}:{number}", match.group(1), known)
            if re.match(r"^[A-Z0-9_]*(SECRET|SECRETS)=.+", line):
                problem(f"{path.name}:{number}", "an example must carry no secret")


def readiness_script() -> str:
    worker = next(d for d in load_manifests() if d.get("kind") == "Deployment" and d["metadata"]["name"] == "dex-worker")
    container = worker["spec"]["template"]["spec"]["containers"][0]
    command = container["readinessProbe"]["exec"]["command"]
    if command[:3] != ["node", "--input-type=module", "-e"] or len(command) != 4:
        raise SystemExit(f"unexpected readiness command: {command[:3]}")
    return command[3]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--help-dir", type=pathlib.Path)
    parser.add_argument("--rendered", type=pathlib.Path)
    parser.add_argument("--print-readiness-script", action="store_true")
    args = parser.parse_args()
    if args.print_readiness_script:
        sys.stdout.write(readiness_script())
        return 0
    known = known_variables(args.help_dir)
    check_k8s(known, args.rendered)
    check_env_files(known)
    for p in problems:
        print(f"  PROBLEM {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
