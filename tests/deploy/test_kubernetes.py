"""deploy/kubernetes: valid against the Kubernetes JSON schemas (kubernetes-validate, which ships them:
no network), and the same roles, probes, resources, disruption budgets and settings as docker-compose.yml."""
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from lms.platform.config import PRODUCTION_REQUIRED, Settings
from tests.deploy.test_compose import read_settings

DIR = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.30.0"  # the oldest minor still supported upstream when this was written


def documents() -> list[dict]:
    found = []
    for path in sorted(DIR.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            found += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return found


def by_kind(kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in documents() if d["kind"] == kind}


@pytest.mark.parametrize("doc", documents(), ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")
def test_each_manifest_is_valid_against_the_kubernetes_schema(doc):
    # strict: unknown fields are errors too (a misspelt probe field would otherwise be ignored)
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_kustomization_lists_every_manifest():
    listed = yaml.safe_load((DIR / "kustomization.yaml").read_text())["resources"]
    assert sorted(listed) == sorted(p.name for p in DIR.glob("*.yaml") if p.name != "kustomization.yaml")


def test_roles_probes_resources_and_disruption_budgets():
    deployments = by_kind("Deployment")
    containers = {name: d["spec"]["template"]["spec"]["containers"][0] for name, d in deployments.items()}
    assert {name: c["command"][:2] for name, c in containers.items()} == {
        "lms-worker": ["lms", "worker"], "lms-ws": ["lms", "ws"], "lms-edge": ["lms", "edge"]}
    assert by_kind("Job")["lms-migrate"]["spec"]["template"]["spec"]["containers"][0]["command"] == ["lms", "migrate"]
    worker, ws = containers["lms-worker"], containers["lms-ws"]
    worker_port = int(worker["command"][worker["command"].index("--port") + 1])
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert worker[probe]["grpc"]["port"] == worker_port  # the standard gRPC health service
    for probe in ("readinessProbe", "livenessProbe"):
        assert ws[probe]["httpGet"] == {"path": "/healthz", "port": int(ws["command"][-1])}
    assert containers["lms-edge"]["readinessProbe"]["httpGet"]["path"] == "/api/health/"
    for job in by_kind("Job").values():
        containers[job["metadata"]["name"]] = job["spec"]["template"]["spec"]["containers"][0]
    for name, container in containers.items():
        resources = container["resources"]
        assert set(resources["requests"]) == set(resources["limits"]) == {"cpu", "memory"}, name
    # a PodDisruptionBudget keeps one pod of each Deployment through voluntary disruptions
    budgets = by_kind("PodDisruptionBudget")
    for name, deployment in deployments.items():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
        covering = [b for b in budgets.values() if b["spec"]["selector"]["matchLabels"].items() <= labels.items()]
        assert len(covering) == 1 and covering[0]["spec"]["minAvailable"] >= 1, name
        assert deployment["spec"]["replicas"] > covering[0]["spec"]["minAvailable"], name
        assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0, name
    # the edge's upstreams are the headless services of the workers and WebSocket servers
    services = by_kind("Service")
    assert services["lms-worker"]["spec"]["clusterIP"] == "None" == services["lms-ws"]["spec"]["clusterIP"]
    edge_command = containers["lms-edge"]["command"]
    assert edge_command[edge_command.index("--grpc") + 1] == f"lms-worker:{worker_port}" and "--dns" in edge_command


def test_settings_are_known_required_ones_set_and_shutdown_fits_the_grace_period(monkeypatch):
    config = by_kind("ConfigMap")["lms-config"]["data"]
    secret = by_kind("Secret")["lms-secrets"]["stringData"]
    known = read_settings()
    env = {**config, **secret}
    for deployment in [*by_kind("Deployment").values(), *by_kind("Job").values()]:
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        own = {e["name"]: e["value"] for e in container.get("env", [])}
        unknown = [k for k in own if k.startswith("LMS_") and k not in known]
        assert not unknown, (deployment["metadata"]["name"], unknown)
        if container["command"][:2] != ["lms", "edge"]:
            assert {r.get("configMapRef", r.get("secretRef"))["name"] for r in container["envFrom"]} == \
                {"lms-config", "lms-secrets"}
    assert not [k for k in env if k.startswith("LMS_") and k not in known]
    assert not [group for group in PRODUCTION_REQUIRED if not any(env.get(k) for k in group)]
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = Settings.from_env()
    worker = by_kind("Deployment")["lms-worker"]["spec"]["template"]["spec"]
    assert worker["terminationGracePeriodSeconds"] > settings.shutdown_drain_seconds + settings.shutdown_grace_seconds
    # the drain outlasts the readiness probe's period, so the pod leaves the endpoints before it stops accepting
    probe = worker["containers"][0]["readinessProbe"]
    assert settings.shutdown_drain_seconds > probe["periodSeconds"] * probe["failureThreshold"]
